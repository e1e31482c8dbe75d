import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters for web-account passwords (RFC 7914): N=2^15, r=8, p=3 is one of OWASP's
 * Password Storage Cheat Sheet equivalents (to N=2^17 r=8 p=1). It costs 32 MiB and ~0.1–0.3 s of
 * one core per hash here: slow for an offline guesser, bearable for a login, and the login throttle bounds
 * how many hashes one caller can make us compute.
 */
export const PASSWORD_SCRYPT = Object.freeze({ N: 2 ** 15, r: 8, p: 3, keyLength: 32, saltLength: 16 });

const PREFIX = 'scrypt';

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number; keyLength: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 128 * params.N * params.r * 2,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, params.keyLength, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

/**
 * Hashes a password with a fresh 16-byte salt; the result names its parameters
 * (`scrypt$N$r$p$salt$hash`, base64) so they can be raised later without losing old accounts.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword('correct horse battery staple', stored); // true
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(PASSWORD_SCRYPT.saltLength);
  const key = await derive(password, salt, PASSWORD_SCRYPT);
  const { N, r, p } = PASSWORD_SCRYPT;
  return [PREFIX, N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

const STORED = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)$/;

/** Whether `password` matches a stored hash, in constant time; an unreadable hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (match === null) return false;
  const [, n, r, p, salt, hash] = match;
  const params = { N: Number(n), r: Number(r), p: Number(p), keyLength: 32 };
  // Refuse parameters no hash of ours has: a planted row must not make us burn a gigabyte.
  if (
    params.N > 2 ** 17 ||
    params.N < 2 ** 14 ||
    (params.N & (params.N - 1)) !== 0 ||
    params.r > 8 ||
    params.p > 8
  ) {
    return false;
  }
  const expected = Buffer.from(hash ?? '', 'base64');
  const actual = await derive(password, Buffer.from(salt ?? '', 'base64'), params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of no one's password, computed once, so that a login for an unknown e-mail costs the same
 * scrypt as one for a known e-mail and response time does not reveal which addresses have accounts.
 */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}
