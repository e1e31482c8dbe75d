import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../keys/key-cache.js';
import {
  type CryptoCardParameters,
  checkCryptoCardParameters,
  generateCryptoCard,
  updateCryptoCard,
} from './crypto-card.js';
import { type CryptoCardTokens, openCryptoCard, sealCryptoCard } from './crypto-card-tokens.js';
import { generateMks } from './mks-generate.js';
import { mksKeyring } from './mks-keyring.js';
import { type CryptoCardSection, emptyCryptoCardSection, emptyMksSection } from './mks-section.js';

const pem = (name: string) => readFileSync(new URL(`./test-data/${name}`, import.meta.url), 'utf8');
const provider = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const params: CryptoCardParameters = {
  postalCaCertificatePem: pem('postal-ca.pem'),
  providerPublicKey: provider.export({ type: 'spki', format: 'der' }).toString('base64'),
  limits: {
    minPostage: 10,
    maxPostage: 100_000,
    maxDescendingRegister: 500_000,
    maxAscendingRegister: 10 ** 9,
  },
};
const cache = new KeyCache();
const v1 = generateMks(1, 0);
const keyring = mksKeyring({ ...emptyMksSection(), active: v1 }, cache);
let card: CryptoCardSection;
let tokens: CryptoCardTokens;

beforeAll(async () => {
  card = await generateCryptoCard(params, 77);
  tokens = sealCryptoCard(card, keyring);
});

describe('Initialize Crypto-Card (DESIGN §3.3)', () => {
  it('generates an ECDSA P-256 registration key and an RSA-3072 client-secret key', () => {
    const reg = createPrivateKey({
      key: Buffer.from(card.registrationSigningKey?.privateKeyPkcs8 ?? '', 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const rsa = createPrivateKey({
      key: Buffer.from(card.clientSecretKey?.privateKeyPkcs8 ?? '', 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    expect(reg.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(rsa.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(card).toMatchObject({ cardVersion: 1, updatedAt: 77, limits: params.limits });
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });

  it('round-trips through key tokens into another module of the pool', () => {
    const other = mksKeyring({ ...emptyMksSection(), active: v1 }, new KeyCache());
    expect(openCryptoCard(tokens, other, 99)).toEqual({ ...card, updatedAt: 99 });
  });

  it('never carries a private key in clear', () => {
    const text = JSON.stringify(tokens);
    expect(text).not.toContain(card.registrationSigningKey?.privateKeyPkcs8.slice(40, 80));
    expect(text).not.toContain(card.clientSecretKey?.privateKeyPkcs8.slice(40, 80));
  });

  it.each(['registrationSigningKey', 'clientSecretKey', 'parameters'] as const)(
    'refuses a flipped byte in the %s token',
    (field) => {
      const bytes = Buffer.from(tokens[field], 'base64');
      for (const at of [0, 5, 20, 40, bytes.length - 1]) {
        const bad = Buffer.from(bytes);
        bad[at] = (bad[at] as number) ^ 0x04;
        expect(() => openCryptoCard({ ...tokens, [field]: bad.toString('base64') }, keyring, 0)).toThrow(
          expect.objectContaining({ code: 'TOKEN_INVALID', field }),
        );
      }
    },
  );

  it('refuses tokens swapped between roles or mixed from two card versions', () => {
    const swapped = {
      ...tokens,
      registrationSigningKey: tokens.clientSecretKey,
      clientSecretKey: tokens.registrationSigningKey,
    };
    expect(() => openCryptoCard(swapped, keyring, 0)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
    expect(() => openCryptoCard({ ...tokens, cardVersion: 2 }, keyring, 0)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
    const next = sealCryptoCard(
      updateCryptoCard(card, { limits: { ...params.limits, maxPostage: 50_000 } }, 1),
      keyring,
    );
    expect(() => openCryptoCard({ ...next, parameters: tokens.parameters }, keyring, 0)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID', field: 'parameters' }),
    );
  });

  it('refuses tokens under an MKS the module does not hold', () => {
    const elsewhere = mksKeyring({ ...emptyMksSection(), active: generateMks(1, 0) }, cache);
    expect(() => openCryptoCard(tokens, elsewhere, 0)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID' }),
    );
  });

  it('refuses to seal an empty card', () => {
    expect(() => sealCryptoCard(emptyCryptoCardSection(), keyring)).toThrow(
      expect.objectContaining({ code: 'WRONG_STATE' }),
    );
  });
});

describe('crypto-card parameters', () => {
  it.each([
    ['not-a-ca.pem', 'CERTIFICATE_INVALID'],
    ['rsa-ca.pem', 'CERTIFICATE_INVALID'],
  ])('refuses %s as the postal CA', (name, code) => {
    expect(() => checkCryptoCardParameters({ ...params, postalCaCertificatePem: pem(name) })).toThrow(
      expect.objectContaining({ code, field: 'postalCaCertificatePem' }),
    );
  });

  it('refuses text that is not a certificate', () => {
    expect(() => checkCryptoCardParameters({ ...params, postalCaCertificatePem: 'hello' })).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_INVALID' }),
    );
  });

  it('refuses a provider key that is not ECDSA P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    for (const key of [rsa, p384]) {
      const providerPublicKey = key.export({ type: 'spki', format: 'der' }).toString('base64');
      expect(() => checkCryptoCardParameters({ ...params, providerPublicKey })).toThrow(
        expect.objectContaining({ code: 'INVALID_FIELD', field: 'providerPublicKey' }),
      );
    }
    expect(() => checkCryptoCardParameters({ ...params, providerPublicKey: 'AAAA' })).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'providerPublicKey' }),
    );
  });

  it.each([
    [{ minPostage: 0 }, 'limits.minPostage'],
    [{ minPostage: 200_000 }, 'limits.minPostage'],
    [{ maxPostage: 0x1_00_0000 }, 'limits.maxPostage'],
    [{ maxPostage: 600_000 }, 'limits.maxPostage'],
    [{ maxDescendingRegister: 2 ** 32 }, 'limits.maxDescendingRegister'],
    [{ maxAscendingRegister: 2 ** 40 }, 'limits.maxAscendingRegister'],
    [{ maxAscendingRegister: 1.5 }, 'limits.maxAscendingRegister'],
  ])('refuses limits %o', (change, field) => {
    expect(() => checkCryptoCardParameters({ ...params, limits: { ...params.limits, ...change } })).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field }),
    );
  });

  it('updates parameters, keeps the keys and bumps the card version', () => {
    const next = updateCryptoCard(card, { limits: { ...params.limits, maxPostage: 20_000 } }, 5);
    expect(next).toMatchObject({
      cardVersion: 2,
      updatedAt: 5,
      registrationSigningKey: card.registrationSigningKey,
    });
    expect(next.limits?.maxPostage).toBe(20_000);
    expect(() => updateCryptoCard(emptyCryptoCardSection(), {}, 5)).toThrow(
      expect.objectContaining({ code: 'WRONG_STATE' }),
    );
  });
});
