import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CryptoCardTokens } from '../src/mks/crypto-card-tokens.js';
import { PoolModule } from './pool-harness.js';

/**
 * Generate / Activate / Delete MKS and Initialize / Update Crypto-Card on one master module,
 * through the real dispatch path (DESIGN §3.3, §3.4).
 */

const pem = (name: string) => readFileSync(new URL(`../src/mks/test-data/${name}`, import.meta.url), 'utf8');
const providerKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');
const limits = {
  minPostage: 10,
  maxPostage: 100_000,
  maxDescendingRegister: 500_000,
  maxAscendingRegister: 10 ** 9,
};

interface CardAnswer {
  cardVersion: number;
  tokens: CryptoCardTokens;
  registrationPublicKey: string;
  limits: typeof limits;
}

let A: PoolModule;

beforeAll(async () => {
  A = await PoolModule.initialized('L-0201');
  await A.as('so', 'generate-mks');
});

describe('MKS versions', () => {
  it('numbers new MKS upwards, activates only forward, deletes only dormant ones', async () => {
    expect(await A.as('so', 'generate-mks')).toMatchObject({ mksVersion: 2, status: 'dormant' });
    expect(await A.as('so', 'generate-mks')).toMatchObject({ mksVersion: 3, status: 'dormant' });
    expect(await A.refused('so', 'activate-mks', { version: 9 })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'version',
    });
    expect(await A.refused('so', 'activate-mks', { version: 1 })).toMatchObject({ code: 'INVALID_FIELD' });
    expect(await A.as('so', 'activate-mks', { version: 3 })).toMatchObject({ mksVersion: 3, previous: 1 });
    expect(await A.refused('so', 'activate-mks', { version: 2 })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'version',
    });
    expect(await A.refused('so', 'delete-mks', { version: 3 })).toMatchObject({ code: 'INVALID_FIELD' });
    expect(await A.refused('so', 'delete-mks', { version: 7 })).toMatchObject({ code: 'INVALID_FIELD' });
    await A.as('so', 'delete-mks', { version: 2 });
    await A.as('so', 'delete-mks', { version: 1 });
    // A deleted version's number is never given to new keys.
    expect(await A.as('so', 'generate-mks')).toMatchObject({ mksVersion: 4 });
    const mks = (await A.nvm.load())?.sections.mks;
    expect(mks?.active?.version).toBe(3);
    expect(mks?.dormant.map((m) => m.version)).toEqual([4]);
    expect((await A.status()).activeMksVersion).toBe(3);
  });

  it('keeps MKS keys out of every answer and audit entry', async () => {
    const mks = (await A.nvm.load())?.sections.mks;
    const trail = JSON.stringify(A.audit);
    for (const stored of [mks?.active, ...(mks?.dormant ?? [])]) {
      expect(trail).not.toContain(stored?.mek);
      expect(trail).not.toContain(stored?.mak);
    }
  });
});

describe('crypto-card through the module', () => {
  let first: CardAnswer;

  it('refuses bad parameters with the field named', async () => {
    expect(
      await A.refused('so', 'initialize-crypto-card', {
        postalCaCertificatePem: pem('not-a-ca.pem'),
        providerPublicKey: providerKey(),
        limits,
      }),
    ).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'postalCaCertificatePem' });
    expect(
      await A.refused('so', 'initialize-crypto-card', {
        postalCaCertificatePem: pem('postal-ca.pem'),
        providerPublicKey: providerKey(),
        limits: { ...limits, maxPostage: 1_000_000 },
      }),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'limits.maxPostage' });
    expect(await A.refused('so', 'update-crypto-card', { limits })).toMatchObject({ code: 'WRONG_STATE' });
    expect((await A.nvm.load())?.sections.cryptoCard.cardVersion).toBe(0);
  });

  it('initializes once, then updates parameters into new card versions', async () => {
    first = await A.as<CardAnswer>('so', 'initialize-crypto-card', {
      postalCaCertificatePem: pem('postal-ca.pem'),
      providerPublicKey: providerKey(),
      limits,
    });
    expect(first.cardVersion).toBe(1);
    const changed = await A.as<CardAnswer>('so', 'update-crypto-card', {
      limits: { ...limits, maxPostage: 20_000 },
    });
    expect(changed).toMatchObject({ cardVersion: 2, registrationPublicKey: first.registrationPublicKey });
    expect(changed.limits.maxPostage).toBe(20_000);
    // An older card is never loaded over a newer one.
    expect(await A.refused('so', 'update-crypto-card', { tokens: first.tokens })).toMatchObject({
      code: 'TOKEN_INVALID',
      field: 'tokens.cardVersion',
    });
    // Reloading the current card is allowed (a module rejoining the pool).
    expect(await A.as('so', 'update-crypto-card', { tokens: changed.tokens })).toMatchObject({
      cardVersion: 2,
    });
  });

  it('refuses an update that mixes tokens and parameter changes, or gives neither', async () => {
    expect(await A.refused('so', 'update-crypto-card', { tokens: first.tokens, limits })).toMatchObject({
      code: 'MALFORMED_REQUEST',
    });
    expect(await A.refused('so', 'update-crypto-card', {})).toMatchObject({ code: 'MALFORMED_REQUEST' });
  });

  it('translates a token already under the active MKS as a no-op', async () => {
    const out = await A.as('so', 'translate-token', {
      token: first.tokens.parameters,
      type: 'crypto-card/parameters',
      ownerId: 'crypto-card',
      recordVersion: 1,
    });
    expect(out).toMatchObject({
      translated: false,
      fromVersion: 3,
      toVersion: 3,
      token: first.tokens.parameters,
    });
  });
});
