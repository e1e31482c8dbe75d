import { randomBytes, scrypt } from 'node:crypto';
import { OFFICER_PASSWORD_BYTES, toBase64 } from '@indicium/protocol';

/**
 * scrypt cost for officer passphrases (DESIGN §2: hashed on the client; the module only sees the
 * hash and salts it again). N = 2^15, r = 8 (32 MiB, ~0.1 s) follows RFC 7914's interactive
 * guidance; the hash is computed by `vaultctl` or the first-run ceremony, never by the module.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SALT_LABEL = 'indicium/officer-passphrase/v1';

/**
 * The 32-byte password an officer sends to Logon: scrypt of the passphrase, salted with the
 * module serial and user id, so the same passphrase gives unrelated verifiers in two modules
 * and one stolen verifier cannot be replayed at another module.
 *
 * @example
 * const password = await officerPassword('correct horse battery staple', { moduleSerial: 'M0001', userId: 'so' });
 */
export function officerPassword(
  passphrase: string,
  who: { readonly moduleSerial: string; readonly userId: string },
): Promise<string> {
  const salt = Buffer.from(`${SALT_LABEL}\0${who.moduleSerial}\0${who.userId}`, 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, OFFICER_PASSWORD_BYTES, SCRYPT, (error, key) => {
      if (error !== null) reject(error);
      else resolve(toBase64(key));
    });
  });
}

/** A generated passphrase: 24 random bytes (192 bits) as base64url, 32 characters. */
export function generatePassphrase(): string {
  return randomBytes(24).toString('base64url');
}
