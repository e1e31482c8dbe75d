import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fromBase64, toBase64 } from '@indicium/protocol';
import type { PasswordVerifier } from './access-section.js';

/**
 * Stores an officer password "salted again" (DESIGN §2 "Passphrases"). The module receives the
 * client's scrypt hash, 32 bytes that are already slow to guess, so a second slow KDF here would
 * only slow every logon: we use HMAC-SHA-256 keyed by a fresh 16-byte salt per password. The salt
 * makes equal passwords of two officers (or two generations of one officer) store differently, and
 * the one-way step means a verifier read out of a decrypted NVM is not itself a usable password.
 */
export function makeVerifier(password: Uint8Array): PasswordVerifier {
  const salt = randomBytes(16);
  return { salt: toBase64(salt), verifier: toBase64(compute(salt, password)) };
}

export function matchesVerifier(password: Uint8Array, stored: PasswordVerifier): boolean {
  const expected = fromBase64(stored.verifier);
  const actual = compute(fromBase64(stored.salt), password);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function compute(salt: Uint8Array, password: Uint8Array): Uint8Array {
  return createHmac('sha256', salt).update(password).digest();
}
