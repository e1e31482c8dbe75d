import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PsdUserSecret } from '../psd/package/psd-package.js';

/** How many earlier passphrases a user may not reuse (seed: the passphrase repetition list). */
export const PASSPHRASE_HISTORY = 5;
const SALT = 16;

/**
 * The module only ever sees the client's scrypt hash of a passphrase (DESIGN §2) and stores it
 * salted again: HMAC-SHA-256 keyed by a fresh 16-byte salt, as officer passwords are (the input is
 * already the output of a memory-hard KDF; the salt keeps equal passphrases from storing equally).
 */
export function makeVerifier(passphraseHash: Uint8Array): { salt: Uint8Array; verifier: Uint8Array } {
  const salt = new Uint8Array(randomBytes(SALT));
  return { salt, verifier: new Uint8Array(createHmac('sha256', salt).update(passphraseHash).digest()) };
}

export function matchesVerifier(passphraseHash: Uint8Array, salt: Uint8Array, verifier: Uint8Array): boolean {
  const mac = createHmac('sha256', salt).update(passphraseHash).digest();
  return mac.length === verifier.length && timingSafeEqual(mac, verifier);
}

/** A repetition-list entry: salt ‖ verifier. */
export function historyEntry(salt: Uint8Array, verifier: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([salt, verifier]));
}

/** True when the hash is one of the remembered passphrases. */
export function inHistory(passphraseHash: Uint8Array, history: readonly Uint8Array[]): boolean {
  return history.some(
    (entry) =>
      entry.length > SALT && matchesVerifier(passphraseHash, entry.subarray(0, SALT), entry.subarray(SALT)),
  );
}

/** The secret after the user's passphrase is retired: onto the repetition list, at most PASSPHRASE_HISTORY kept. */
export function retirePassphrase(secret: PsdUserSecret): PsdUserSecret {
  const history =
    secret.passphraseSalt === null || secret.passphraseVerifier === null
      ? secret.history
      : [...secret.history, historyEntry(secret.passphraseSalt, secret.passphraseVerifier)].slice(
          -PASSPHRASE_HISTORY,
        );
  return { userId: secret.userId, hmk: null, passphraseSalt: null, passphraseVerifier: null, history };
}
