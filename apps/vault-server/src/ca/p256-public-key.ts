import { createPublicKey, type KeyObject } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';

/** A public key as callers hold it: a `KeyObject`, SPKI PEM, SPKI DER, or a raw uncompressed SEC 1 point. */
export type PublicKeyInput = KeyObject | string | Uint8Array;

// SubjectPublicKeyInfo header for id-ecPublicKey / prime256v1 with a 65-byte uncompressed point
// (RFC 5480 §2): prefixing it lets OpenSSL decode, and on-curve check, a module's raw public key.
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const RAW_POINT_LENGTH = 65;

function refuse(field: string, detail: string, cause?: unknown): never {
  throw new IndiciumError('INVALID_FIELD', { field, detail, ...(cause === undefined ? {} : { cause }) });
}

function decode(input: PublicKeyInput, field: string): KeyObject {
  if (typeof input === 'string') return createPublicKey({ key: input, format: 'pem' });
  if (input instanceof Uint8Array) {
    const bytes = Buffer.from(input);
    const isRawPoint = bytes.length === RAW_POINT_LENGTH && bytes[0] === 0x04;
    const der = isRawPoint ? Buffer.concat([P256_SPKI_PREFIX, bytes]) : bytes;
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
  // A private key must never reach a certificate authority's inputs: refuse rather than derive.
  if (input.type !== 'public') refuse(field, 'Expected a public key, not a private or secret key.');
  return input;
}

/**
 * Normalises a public key to a `KeyObject` and insists it is ECDSA P-256, the only curve DESIGN §2
 * allows for indicium, CA and TLS keys. Throws `INVALID_FIELD` naming `field` otherwise (a point
 * off the curve fails OpenSSL's decoding and lands here too).
 *
 * @example
 * const key = toP256PublicKey(rawPointFromModule, 'publicKey');
 */
export function toP256PublicKey(input: PublicKeyInput, field = 'publicKey'): KeyObject {
  let key: KeyObject;
  try {
    key = decode(input, field);
  } catch (error) {
    if (error instanceof IndiciumError) throw error;
    return refuse(field, 'The public key could not be decoded.', error);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    refuse(field, 'The public key must be ECDSA P-256.');
  }
  return key;
}
