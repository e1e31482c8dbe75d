import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { toP256PublicKey } from './p256-public-key.js';

const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rawPoint = Buffer.from(p256.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');

describe('toP256PublicKey', () => {
  it('accepts a KeyObject, SPKI PEM, SPKI DER and a raw uncompressed point as the same key', () => {
    const der = p256.publicKey.export({ format: 'der', type: 'spki' });
    const pem = p256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    // The raw point is the last 65 bytes of the SPKI DER (0x04 ‖ X ‖ Y).
    const point = der.subarray(der.length - 65);
    expect(point[0]).toBe(0x04);
    expect(point.subarray(1, 33).equals(rawPoint)).toBe(true);
    for (const input of [p256.publicKey, pem, der, new Uint8Array(point)]) {
      expect(toP256PublicKey(input).equals(p256.publicKey)).toBe(true);
    }
  });

  it('refuses a private key rather than deriving its public half', () => {
    expectIndiciumError(() => toP256PublicKey(p256.privateKey), {
      code: 'INVALID_FIELD',
      field: 'publicKey',
    });
  });

  it('refuses other curves and algorithms', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    const ed25519 = generateKeyPairSync('ed25519').publicKey;
    for (const key of [p384, ed25519]) {
      expectIndiciumError(() => toP256PublicKey(key, 'meterKey'), {
        code: 'INVALID_FIELD',
        field: 'meterKey',
      });
    }
  });

  it('refuses a point that is not on the curve', () => {
    const der = Buffer.from(p256.publicKey.export({ format: 'der', type: 'spki' }));
    const point = Buffer.from(der.subarray(der.length - 65));
    point[64] = (point[64] ?? 0) ^ 0x01;
    expectIndiciumError(() => toP256PublicKey(point), { code: 'INVALID_FIELD', field: 'publicKey' });
  });

  it('refuses garbage', () => {
    expectIndiciumError(() => toP256PublicKey('not a key'), { code: 'INVALID_FIELD', field: 'publicKey' });
    expectIndiciumError(() => toP256PublicKey(new Uint8Array(10)), {
      code: 'INVALID_FIELD',
      field: 'publicKey',
    });
  });
});
