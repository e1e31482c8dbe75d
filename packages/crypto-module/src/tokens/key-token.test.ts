import { IndiciumError } from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyCache } from '../keys/key-cache.js';
import { generateMks } from '../mks/mks-generate.js';
import { mksKeyring as keyringOf } from '../mks/mks-keyring.js';
import { emptyMksSection, type MksSection } from '../mks/mks-section.js';
import { openToken } from './open-token.js';
import { sealToken } from './seal-token.js';
import { TOKEN_HEADER_LENGTH, type TokenBinding } from './token-format.js';
import { translateToken } from './translate-token.js';

const v1 = generateMks(1, 1_000);
const v2 = generateMks(2, 2_000);
const onlyV1: MksSection = { ...emptyMksSection(), active: v1 };
const v2ActiveV1Dormant: MksSection = { ...emptyMksSection(), active: v2, dormant: [v1] };
const onlyV2: MksSection = { ...emptyMksSection(), active: v2 };
const cache = new KeyCache();
const mksKeyring = (section: MksSection) => keyringOf(section, cache);
const binding: TokenBinding = {
  type: 'psd/indicium-signing-key',
  ownerId: '00042-00001-0000001001',
  recordVersion: 3,
};
const secret = Buffer.from('a PKCS#8 private key would be here');

function codeOf(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (error instanceof IndiciumError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected an IndiciumError');
}

describe('key tokens (DESIGN §2)', () => {
  it('round-trips under the active MKS', () => {
    const token = sealToken(mksKeyring(onlyV1), binding, secret);
    expect(openToken(mksKeyring(onlyV1), binding, token)).toEqual(secret);
  });

  it('names the sealing MKS version in its header and hides the plaintext', () => {
    const token = sealToken(mksKeyring(onlyV1), binding, secret);
    expect(new DataView(token.buffer, token.byteOffset).getUint32(4)).toBe(1);
    expect(Buffer.from(token).includes(secret)).toBe(false);
    expect(token.length).toBe(TOKEN_HEADER_LENGTH + secret.length);
  });

  it('uses a fresh nonce for every token', () => {
    const a = sealToken(mksKeyring(onlyV1), binding, secret);
    const b = sealToken(mksKeyring(onlyV1), binding, secret);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses every single flipped bit in every byte of a token', () => {
    const keyring = mksKeyring(onlyV1);
    const token = sealToken(keyring, binding, secret);
    for (let i = 0; i < token.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = Uint8Array.from(token);
        bad[i] = (bad[i] as number) ^ bit;
        expect(codeOf(() => openToken(keyring, binding, bad))).toEqual({
          code: 'TOKEN_INVALID',
          field: 'token',
        });
      }
    }
  });

  it('refuses a truncated or extended token', () => {
    const keyring = mksKeyring(onlyV1);
    const token = sealToken(keyring, binding, secret);
    for (const length of [0, 4, TOKEN_HEADER_LENGTH, token.length - 1]) {
      expect(codeOf(() => openToken(keyring, binding, token.subarray(0, length))).code).toBe('TOKEN_INVALID');
    }
    const longer = Buffer.concat([token, Buffer.of(0)]);
    expect(codeOf(() => openToken(keyring, binding, longer)).code).toBe('TOKEN_INVALID');
  });

  it.each([
    ['type', { ...binding, type: 'crypto-card/registration-signing-key' }],
    ['owner id', { ...binding, ownerId: '00042-00001-0000001002' }],
    ['record version', { ...binding, recordVersion: 4 }],
  ])('refuses a token opened with another %s', (_name, other) => {
    const keyring = mksKeyring(onlyV1);
    const token = sealToken(keyring, binding, secret);
    expect(codeOf(() => openToken(keyring, other, token)).code).toBe('TOKEN_INVALID');
  });

  it('refuses a token whose MKS version the module does not hold', () => {
    const token = sealToken(mksKeyring(onlyV1), binding, secret);
    expect(codeOf(() => openToken(mksKeyring(onlyV2), binding, token)).code).toBe('TOKEN_INVALID');
    expect(codeOf(() => openToken(mksKeyring(emptyMksSection()), binding, token)).code).toBe('TOKEN_INVALID');
  });

  it('refuses a header that claims another MKS version the module holds', () => {
    const token = sealToken(mksKeyring(onlyV1), binding, secret);
    const relabelled = Uint8Array.from(token);
    relabelled[7] = 2;
    expect(codeOf(() => openToken(mksKeyring(v2ActiveV1Dormant), binding, relabelled)).code).toBe(
      'TOKEN_INVALID',
    );
  });

  it('refuses to seal without an active MKS', () => {
    expect(codeOf(() => sealToken(mksKeyring(emptyMksSection()), binding, secret)).code).toBe('MKS_MISSING');
  });

  it('refuses a malformed binding as a caller error', () => {
    const keyring = mksKeyring(onlyV1);
    expect(codeOf(() => sealToken(keyring, { ...binding, type: 'Bad Type' }, secret))).toEqual({
      code: 'INVALID_FIELD',
      field: 'type',
    });
    expect(codeOf(() => sealToken(keyring, { ...binding, ownerId: '' }, secret)).field).toBe('ownerId');
    expect(codeOf(() => sealToken(keyring, { ...binding, recordVersion: -1 }, secret)).field).toBe(
      'recordVersion',
    );
    expect(codeOf(() => sealToken(keyring, binding, new Uint8Array(0))).field).toBe('plaintext');
  });

  it('round-trips any plaintext and binding (property)', () => {
    const keyring = mksKeyring(onlyV1);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.stringMatching(/^[a-z0-9]{1,10}(?:\/[a-z0-9]{1,10})?$/),
        fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
        fc.nat(),
        (plaintext, type, ownerId, recordVersion) => {
          const b = { type, ownerId, recordVersion };
          expect(openToken(keyring, b, sealToken(keyring, b, plaintext))).toEqual(Buffer.from(plaintext));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('translateToken (DESIGN §3.4 rollover)', () => {
  it('moves a token from the dormant to the active MKS', () => {
    const v1Token = sealToken(mksKeyring(onlyV1), binding, secret);
    const result = translateToken(mksKeyring(v2ActiveV1Dormant), binding, v1Token);
    expect(result).toMatchObject({ translated: true, fromVersion: 1, toVersion: 2 });
    expect(openToken(mksKeyring(onlyV2), binding, result.token)).toEqual(secret);
    expect(codeOf(() => openToken(mksKeyring(onlyV2), binding, v1Token)).code).toBe('TOKEN_INVALID');
  });

  it('returns a token already under the active MKS unchanged', () => {
    const v2Token = sealToken(mksKeyring(onlyV2), binding, secret);
    const result = translateToken(mksKeyring(v2ActiveV1Dormant), binding, v2Token);
    expect(result.translated).toBe(false);
    expect(result.token).toEqual(Uint8Array.from(v2Token));
  });

  it('refuses to translate a tampered token or one bound to something else', () => {
    const keyring = mksKeyring(v2ActiveV1Dormant);
    const v1Token = Uint8Array.from(sealToken(mksKeyring(onlyV1), binding, secret));
    expect(codeOf(() => translateToken(keyring, { ...binding, recordVersion: 9 }, v1Token)).code).toBe(
      'TOKEN_INVALID',
    );
    v1Token[v1Token.length - 1] = (v1Token[v1Token.length - 1] as number) ^ 1;
    expect(codeOf(() => translateToken(keyring, binding, v1Token)).code).toBe('TOKEN_INVALID');
  });

  it('cannot translate once the old MKS is deleted', () => {
    const v1Token = sealToken(mksKeyring(onlyV1), binding, secret);
    expect(codeOf(() => translateToken(mksKeyring(onlyV2), binding, v1Token)).code).toBe('TOKEN_INVALID');
  });
});
