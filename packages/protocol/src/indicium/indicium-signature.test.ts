import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkIndiciumSignature } from './indicium-signature.js';

const refused = expect.objectContaining({
  name: 'IndiciumError',
  code: 'INDICIUM_MALFORMED',
  field: 'signature',
});
const N = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

function withScalars(r: Uint8Array, s: Uint8Array): Uint8Array {
  return Uint8Array.from([...r, ...s]);
}

describe('checkIndiciumSignature', () => {
  it('accepts real node:crypto P-256 signatures', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 8; i++) {
      const signature = sign('sha256', Buffer.from([i]), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(checkIndiciumSignature(new Uint8Array(signature), 'INDICIUM_MALFORMED')).toHaveLength(64);
    }
  });

  it('accepts r = 1 and s = n - 1, the ends of the range', () => {
    const one = new Uint8Array(32);
    one[31] = 1;
    const nMinus1 = Uint8Array.from(N);
    nMinus1[31] = (nMinus1[31] ?? 0) - 1;
    expect(() => checkIndiciumSignature(withScalars(one, nMinus1), 'INDICIUM_MALFORMED')).not.toThrow();
  });

  it.each([
    ['r = 0', withScalars(new Uint8Array(32), new Uint8Array(32).fill(1))],
    ['s = 0', withScalars(new Uint8Array(32).fill(1), new Uint8Array(32))],
    ['r = n', withScalars(N, new Uint8Array(32).fill(1))],
    ['s = n', withScalars(new Uint8Array(32).fill(1), N)],
    ['all 0xff', new Uint8Array(64).fill(0xff)],
    ['63 bytes', new Uint8Array(63).fill(1)],
    ['65 bytes', new Uint8Array(65).fill(1)],
  ])('refuses %s', (_name, signature) => {
    expect(() => checkIndiciumSignature(signature, 'INDICIUM_MALFORMED')).toThrow(refused);
  });

  it('refuses a DER-encoded signature (the indicium carries raw r‖s)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = sign('sha256', Buffer.from('x'), privateKey);
    expect(() => checkIndiciumSignature(new Uint8Array(der), 'INDICIUM_MALFORMED')).toThrow(refused);
  });
});
