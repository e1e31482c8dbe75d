import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';

// RFC 8410 SPKI prefix for a raw 32-byte X25519 public key.
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface X25519Pair {
  readonly privateKey: KeyObject;
  /** Raw 32 bytes (RFC 7748). */
  readonly publicKey: Uint8Array;
}

export function generateX25519(): X25519Pair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, publicKey: rawPublicKey(publicKey) };
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}

/**
 * X25519 shared secret. An all-zero result means the peer sent a small-order point (RFC 7748 §6.1
 * "check"): refuse it rather than derive keys an attacker knows.
 */
export function x25519Shared(privateKey: KeyObject, peerPublic: Uint8Array, field: string): Uint8Array {
  let shared: Buffer;
  try {
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, peerPublic]),
      format: 'der',
      type: 'spki',
    });
    shared = diffieHellman({ privateKey, publicKey });
  } catch (cause) {
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'not an X25519 public key', cause });
  }
  if (shared.every((b) => b === 0)) {
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'small-order X25519 public key' });
  }
  return new Uint8Array(shared);
}
