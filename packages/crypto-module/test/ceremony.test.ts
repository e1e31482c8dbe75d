import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/audit/verify-audit-chain.js';
import type { CryptoCardTokens } from '../src/mks/crypto-card-tokens.js';
import type { ShareEnvelope } from '../src/mks/share-envelope.js';
import type { SignedTransportKey } from '../src/mks/transport-key.js';
import { PoolModule } from './pool-harness.js';

/**
 * The full key ceremony of DESIGN §3.4 with real modules, sessions and officers: a master (A), an
 * exportable clone (B) and a retained clone (C) by 2-of-3 shares, a fourth module (D) cloned from
 * B, then a rollover of all four to MKS v2 with the crypto-card tokens translated, v1 deleted, and
 * v1-only tokens refused. The steps run in order and share the modules.
 */

interface TpkExport {
  transportKey: SignedTransportKey;
  fingerprint: string;
  moduleKeyFingerprint: string;
}
interface ShareExport {
  share: ShareEnvelope;
  index: number;
  remaining: number;
  sourceFingerprint: string;
}
interface CardAnswer {
  cardVersion: number;
  tokens: CryptoCardTokens;
  registrationPublicKey: string;
  clientSecretPublicKey: string;
}
interface Combined {
  mksVersion: number;
  kcv: string;
  exportable: boolean;
  status: 'active' | 'dormant';
}

const CARD_OWNER = 'crypto-card';
const TOKEN_TYPES = {
  registrationSigningKey: 'crypto-card/registration-signing-key',
  clientSecretKey: 'crypto-card/client-secret-key',
  parameters: 'crypto-card/parameters',
} as const;

const cardParameters = {
  postalCaCertificatePem: readFileSync(
    new URL('../src/mks/test-data/postal-ca.pem', import.meta.url),
    'utf8',
  ),
  providerPublicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64'),
  limits: {
    minPostage: 10,
    maxPostage: 100_000,
    maxDescendingRegister: 500_000,
    maxAscendingRegister: 10 ** 9,
  },
};

let A: PoolModule;
let B: PoolModule;
let C: PoolModule;
let D: PoolModule;
let card: CardAnswer;
let kcvV1: string;

/** A's custodians export one share each to `to`, in order; returns the envelopes. */
async function exportShares(
  from: PoolModule,
  tpk: TpkExport,
  custodians: readonly ('kc1' | 'kc2' | 'kc3')[],
  exportable: boolean,
): Promise<ShareEnvelope[]> {
  const shares: ShareEnvelope[] = [];
  for (const kc of custodians) {
    const out = await from.as<ShareExport>(kc, 'export-mks-share', {
      transportKey: tpk.transportKey,
      destinationFingerprint: tpk.fingerprint,
      exportable,
    });
    expect(out.sourceFingerprint).toBe(from.fingerprint);
    shares.push(out.share);
  }
  return shares;
}

async function importShares(
  to: PoolModule,
  source: PoolModule,
  shares: readonly ShareEnvelope[],
): Promise<void> {
  const custodians = ['kc1', 'kc2', 'kc3'] as const;
  for (const [i, share] of shares.entries()) {
    await to.as(custodians[i] as 'kc1', 'import-mks-share', { share, sourceFingerprint: source.fingerprint });
  }
}

beforeAll(async () => {
  [A, B, C, D] = (await Promise.all(
    ['A-0001', 'B-0002', 'C-0003', 'D-0004'].map((s) => PoolModule.initialized(s)),
  )) as [PoolModule, PoolModule, PoolModule, PoolModule];
});

describe('key ceremony (DESIGN §3.4)', () => {
  it('the master generates MKS v1 and initializes the crypto-card', async () => {
    const mks = await A.as<Combined>('so', 'generate-mks');
    expect(mks).toMatchObject({ mksVersion: 1, status: 'active' });
    expect(mks.kcv).toMatch(/^[0-9a-f]{32}$/);
    kcvV1 = mks.kcv;
    expect(await A.state()).toBe('O');
    expect((await A.status()).activeMksVersion).toBe(1);

    card = await A.as<CardAnswer>('so', 'initialize-crypto-card', cardParameters);
    expect(card.cardVersion).toBe(1);
    expect(Object.keys(card.tokens).sort()).toEqual([
      'cardVersion',
      'clientSecretKey',
      'parameters',
      'registrationSigningKey',
    ]);
    expect((await A.refused('so', 'initialize-crypto-card', cardParameters)).code).toBe('WRONG_STATE');
    expect((await A.refused('kc1', 'generate-mks')).code).toBe('ROLE_DENIED');
  });

  it('clones make their transport keys once, and only a clone has one', async () => {
    for (const clone of [B, C, D]) {
      const made = await clone.as<{ fingerprint: string }>('so', 'generate-transport-key-pair');
      expect(made.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(await clone.state()).toBe('M');
      expect((await clone.refused('so', 'generate-transport-key-pair')).code).toBe('WRONG_STATE');
    }
    expect((await A.refused('kc1', 'export-transport-public-key')).code).toBe('WRONG_STATE');
    expect((await A.refused('so', 'generate-transport-key-pair')).code).toBe('WRONG_STATE');
    expect((await B.refused('so', 'export-transport-public-key')).code).toBe('ROLE_DENIED');
  });

  it('clones B (exportable) by 2 of 3 shares', async () => {
    const tpkB = await B.as<TpkExport>('kc1', 'export-transport-public-key');
    expect(tpkB.moduleKeyFingerprint).toBe(B.fingerprint);
    const created = await A.as<{ ceremonyId: string; n: number; k: number }>('so', 'create-mks-shares', {
      n: 3,
      k: 2,
    });
    expect(created).toMatchObject({ n: 3, k: 2, mksVersion: 1 });
    expect(await A.state()).toBe('X');

    const [s1] = await exportShares(A, tpkB, ['kc1'], true);
    const again = await A.refused('kc1', 'export-mks-share', {
      transportKey: tpkB.transportKey,
      destinationFingerprint: tpkB.fingerprint,
      exportable: true,
    });
    expect(again).toMatchObject({ code: 'SHARE_DUPLICATE', field: 'custodianId' });
    const [, s3] = await exportShares(A, tpkB, ['kc2', 'kc3'], true);
    expect(await A.state()).toBe('O');

    await importShares(B, A, [s1 as ShareEnvelope, s3 as ShareEnvelope]);
    const combined = await B.as<Combined>('so', 'combine-mks-shares');
    expect(combined).toEqual({ mksVersion: 1, kcv: kcvV1, exportable: true, status: 'active' });
    expect(await B.state()).toBe('O');

    const loaded = await B.as<CardAnswer>('so', 'update-crypto-card', { tokens: card.tokens });
    expect(loaded.registrationPublicKey).toBe(card.registrationPublicKey);
    expect(loaded.clientSecretPublicKey).toBe(card.clientSecretPublicKey);
  });

  it('clones C (retained), which then refuses to export', async () => {
    const tpkC = await C.as<TpkExport>('kc2', 'export-transport-public-key');
    await A.as('so', 'create-mks-shares', { n: 3, k: 2 });
    const shares = await exportShares(A, tpkC, ['kc1', 'kc2'], false);
    await A.as('so', 'abort-export');
    expect(await A.state()).toBe('O');

    await importShares(C, A, shares);
    const combined = await C.as<Combined>('so', 'combine-mks-shares');
    expect(combined).toEqual({ mksVersion: 1, kcv: kcvV1, exportable: false, status: 'active' });
    expect(await C.state()).toBe('O');
    await C.as('so', 'update-crypto-card', { tokens: card.tokens });

    expect(await C.refused('so', 'create-mks-shares', { n: 2, k: 2 })).toMatchObject({
      code: 'SHARE_NOT_EXPORTABLE',
    });
    // Nor can it mint an exportable MKS of its own: only the master generates.
    expect((await C.refused('so', 'generate-mks')).code).toBe('WRONG_STATE');
    expect((await B.refused('so', 'generate-mks')).code).toBe('WRONG_STATE');
    expect(await C.state()).toBe('O');
  });

  it('the exportable clone B clones a fourth module D', async () => {
    const tpkD = await D.as<TpkExport>('kc1', 'export-transport-public-key');
    await B.as('so', 'create-mks-shares', { n: 2, k: 2 });
    const shares = await exportShares(B, tpkD, ['kc1', 'kc2'], true);
    expect(await B.state()).toBe('O');
    // D's custodians confirm B as the source: a share claimed to come from A is refused.
    const wrongSource = await D.refused('kc1', 'import-mks-share', {
      share: shares[0],
      sourceFingerprint: A.fingerprint,
    });
    expect(wrongSource).toMatchObject({ code: 'SHARE_INVALID', field: 'sourceFingerprint' });
    await importShares(D, B, shares);
    expect(await D.as<Combined>('so', 'combine-mks-shares')).toEqual({
      mksVersion: 1,
      kcv: kcvV1,
      exportable: true,
      status: 'active',
    });
    await D.as('so', 'update-crypto-card', { tokens: card.tokens });
  });

  it('rolls every module over to MKS v2, translates the tokens, deletes v1', async () => {
    const v2 = await A.as<Combined>('so', 'generate-mks');
    expect(v2).toMatchObject({ mksVersion: 2, status: 'dormant' });
    expect((await A.status()).activeMksVersion).toBe(1);

    for (const clone of [B, C, D]) {
      await clone.as('so', 'start-importing-mks');
      expect(await clone.state()).toBe('M');
      const tpk = await clone.as<TpkExport>('kc1', 'export-transport-public-key');
      await A.as('so', 'create-mks-shares', { n: 2, k: 2, mksVersion: 2 });
      const shares = await exportShares(A, tpk, ['kc1', 'kc2'], clone !== C);
      await importShares(clone, A, shares);
      const combined = await clone.as<Combined>('so', 'combine-mks-shares');
      expect(combined).toEqual({ mksVersion: 2, kcv: v2.kcv, exportable: clone !== C, status: 'dormant' });
      expect(await clone.status()).toMatchObject({ currentState: 'O', activeMksVersion: 1 });
    }

    for (const module of [A, B, C, D]) {
      expect(await module.as('so', 'activate-mks', { version: 2 })).toMatchObject({
        mksVersion: 2,
        previous: 1,
      });
      expect((await module.status()).activeMksVersion).toBe(2);
    }

    const translated = { cardVersion: card.tokens.cardVersion } as Record<string, unknown>;
    for (const [field, type] of Object.entries(TOKEN_TYPES) as [keyof typeof TOKEN_TYPES, string][]) {
      const out = await A.as<{ token: string; translated: boolean; fromVersion: number; toVersion: number }>(
        'so',
        'translate-token',
        { token: card.tokens[field], type, ownerId: CARD_OWNER, recordVersion: card.tokens.cardVersion },
      );
      expect(out).toMatchObject({ translated: true, fromVersion: 1, toVersion: 2 });
      translated[field] = out.token;
    }

    for (const module of [A, B, C, D]) {
      expect(await module.refused('so', 'delete-mks', { version: 2 })).toMatchObject({
        code: 'INVALID_FIELD',
        field: 'version',
      });
      expect(await module.as('so', 'delete-mks', { version: 1 })).toEqual({ mksVersion: 1 });
    }

    // v1-only tokens are dead everywhere; the translated ones work in every module.
    for (const module of [A, B, C, D]) {
      const refused = await module.refused('so', 'update-crypto-card', { tokens: card.tokens });
      expect(refused.code).toBe('TOKEN_INVALID');
      const loaded = await module.as<CardAnswer>('so', 'update-crypto-card', { tokens: translated });
      expect(loaded.registrationPublicKey).toBe(card.registrationPublicKey);
      expect(loaded.clientSecretPublicKey).toBe(card.clientSecretPublicKey);
    }
    const dead = await A.refused('so', 'translate-token', {
      token: card.tokens.parameters,
      type: TOKEN_TYPES.parameters,
      ownerId: CARD_OWNER,
      recordVersion: card.tokens.cardVersion,
    });
    expect(dead).toMatchObject({ code: 'TOKEN_INVALID', field: 'token' });

    // The retained clone stays retained under v2; the exportable ones could clone again.
    expect((await C.refused('so', 'create-mks-shares', { n: 2, k: 2 })).code).toBe('SHARE_NOT_EXPORTABLE');
  });

  it('left a verifiable audit trail with signed entries for every MKS command, and no key material', async () => {
    for (const module of [A, B, C, D]) {
      const image = await module.nvm.load();
      const auditKey = image?.sections.module.auditPublicKey as string;
      const head = await module.status();
      const verification = verifyAuditChain(module.audit, auditKey, { moduleSerial: module.serial, head });
      expect(verification.problems).toEqual([]);
      expect(verification.valid).toBe(true);
      const mksEntries = module.audit.filter((e) =>
        [
          'generate-mks',
          'create-mks-shares',
          'export-mks-share',
          'import-mks-share',
          'combine-mks-shares',
        ].includes(e.command),
      );
      expect(mksEntries.length).toBeGreaterThan(0);
      for (const entry of mksEntries) expect(entry.signature).not.toBeNull();
      const mks = image?.sections.mks.active;
      expect(mks?.version).toBe(2);
      const trail = JSON.stringify(module.audit);
      for (const secret of [mks?.mek, mks?.mak]) expect(trail).not.toContain(secret);
    }
  });
});
