import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attachIndiciumSignature } from './attach-indicium-signature.js';

const refused = (field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code: 'INDICIUM_MALFORMED', field });
const signedPart = (): Uint8Array =>
  new Uint8Array(
    Buffer.from(
      '010100001092002a0001000003e900000016620002da0135290605f60ce2000700078abe46434c5438549fb0000000010001',
      'hex',
    ),
  );
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signatureOf = (part: Uint8Array): Uint8Array =>
  new Uint8Array(sign('sha256', part, { key: privateKey, dsaEncoding: 'ieee-p1363' }));

describe('attachIndiciumSignature', () => {
  it('returns signed part then signature, 114 bytes, verifiable over bytes 0-49', () => {
    const part = signedPart();
    const signature = signatureOf(part);
    const indicium = attachIndiciumSignature(part, signature);
    expect(indicium).toHaveLength(114);
    expect([...indicium.subarray(0, 50)]).toEqual([...part]);
    expect([...indicium.subarray(50)]).toEqual([...signature]);
    const ok = verify(
      'sha256',
      indicium.subarray(0, 50),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      indicium.subarray(50),
    );
    expect(ok).toBe(true);
  });

  it('copies: changing the inputs afterwards does not change the indicium', () => {
    const part = signedPart();
    const signature = signatureOf(part);
    const indicium = attachIndiciumSignature(part, signature);
    const before = Buffer.from(indicium).toString('hex');
    part.fill(0);
    signature.fill(0);
    expect(Buffer.from(indicium).toString('hex')).toBe(before);
  });

  it('refuses a signed part of the wrong length', () => {
    const part = signedPart();
    expect(() => attachIndiciumSignature(part.subarray(0, 49), signatureOf(part))).toThrow(refused('length'));
  });

  it('refuses a malformed signed part (reserved flag set) so it is never issued', () => {
    const part = signedPart();
    part[49] = 0x81;
    expect(() => attachIndiciumSignature(part, signatureOf(part))).toThrow(refused('flags'));
  });

  it('refuses a DER signature, a short signature and an all-zero one', () => {
    const part = signedPart();
    const der = new Uint8Array(sign('sha256', part, privateKey));
    expect(() => attachIndiciumSignature(part, der)).toThrow(refused('signature'));
    expect(() => attachIndiciumSignature(part, signatureOf(part).subarray(1))).toThrow(refused('signature'));
    expect(() => attachIndiciumSignature(part, new Uint8Array(64))).toThrow(refused('signature'));
  });
});
