import { scrypt } from 'node:crypto';
import {
  PASSPHRASE_HASH_BYTES,
  PASSPHRASE_HASH_SALT_LABEL,
  PASSPHRASE_HASH_SCRYPT,
} from '@indicium/protocol';

/**
 * The 32-byte passphrase hash a meter user's client secrets carry (DESIGN §2, §4.2 step 3): scrypt
 * as `PASSPHRASE_HASH_SCRYPT` says, salted with the meter and user, so every computer of that user
 * derives the same hash and the module never sees the passphrase. NFC first, so the same words typed
 * on two keyboards give one hash.
 *
 * @example
 * const hash = await hashMeterUserPassphrase('correct horse battery staple', { meterId, userId });
 */
export function hashMeterUserPassphrase(
  passphrase: string,
  who: { readonly meterId: string; readonly userId: string },
): Promise<Uint8Array> {
  const salt = Buffer.from(`${PASSPHRASE_HASH_SALT_LABEL}\0${who.meterId}\0${who.userId}`, 'utf8');
  const { N, r, p } = PASSPHRASE_HASH_SCRYPT;
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      salt,
      PASSPHRASE_HASH_BYTES,
      { N, r, p, maxmem: 128 * N * r * 2 },
      (error, key) => {
        if (error !== null) reject(error);
        else resolve(new Uint8Array(key));
      },
    );
  });
}
