import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { SelfTestVectors } from './self-test-vectors.js';

/** The algorithms DESIGN §2 uses; each has one known-answer test. */
export type SelfTestName = keyof SelfTestVectors;

export interface SelfTestReport {
  readonly passed: boolean;
  /** Names of the failed tests; never key material. */
  readonly failed: readonly SelfTestName[];
}

const hex = (s: string) => Buffer.from(s, 'hex');
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

// DER prefixes that turn a raw 32-byte X25519 key into PKCS#8 / SPKI (RFC 8410).
const X25519_PKCS8_PREFIX = hex('302e020100300506032b656e04220420');
const X25519_SPKI_PREFIX = hex('302a300506032b656e032100');

function aes256Gcm(v: SelfTestVectors['aes256Gcm']): boolean {
  const cipher = createCipheriv('aes-256-gcm', hex(v.key), hex(v.iv));
  const ciphertext = Buffer.concat([cipher.update(hex(v.plaintext)), cipher.final()]);
  if (!same(ciphertext, hex(v.ciphertext)) || !same(cipher.getAuthTag(), hex(v.tag))) return false;
  const decipher = createDecipheriv('aes-256-gcm', hex(v.key), hex(v.iv));
  decipher.setAuthTag(hex(v.tag));
  const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return same(plaintext, hex(v.plaintext));
}

function hmacSha256(v: SelfTestVectors['hmacSha256']): boolean {
  return same(createHmac('sha256', hex(v.key)).update(hex(v.data)).digest(), hex(v.mac));
}

function sha256(v: SelfTestVectors['sha256']): boolean {
  return same(createHash('sha256').update(hex(v.message)).digest(), hex(v.digest));
}

function x25519(v: SelfTestVectors['x25519']): boolean {
  const priv = (raw: string) =>
    createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, hex(raw)]), format: 'der', type: 'pkcs8' });
  const pub = (raw: string) =>
    createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, hex(raw)]), format: 'der', type: 'spki' });
  const alice = priv(v.alicePrivate);
  const derivedPublic = createPublicKey(alice).export({ format: 'der', type: 'spki' }).subarray(12);
  if (!same(derivedPublic, hex(v.alicePublic))) return false;
  const ab = diffieHellman({ privateKey: alice, publicKey: pub(v.bobPublic) });
  const ba = diffieHellman({ privateKey: priv(v.bobPrivate), publicKey: pub(v.alicePublic) });
  return same(ab, hex(v.shared)) && same(ba, hex(v.shared));
}

function hkdfSha256(v: SelfTestVectors['hkdfSha256']): boolean {
  const okm = hkdfSync('sha256', hex(v.ikm), hex(v.salt), hex(v.info), hex(v.okm).length);
  return same(new Uint8Array(okm), hex(v.okm));
}

function ecdsaP256(v: SelfTestVectors['ecdsaP256']): boolean {
  const privateKey = createPrivateKey({
    key: Buffer.from(v.privateKeyPkcs8, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey({
    key: Buffer.from(v.publicKeySpki, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const message = hex(v.message);
  const options = { key: publicKey, dsaEncoding: 'ieee-p1363' } as const;
  // A fixed known-good signature must verify, a fresh one must too, and a wrong message must not.
  if (!verify('sha256', message, options, hex(v.signature))) return false;
  const fresh = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (!verify('sha256', message, options, fresh)) return false;
  return !verify('sha256', Buffer.concat([message, Buffer.of(0)]), options, fresh);
}

function rsaOaepSha256(v: SelfTestVectors['rsaOaepSha256']): boolean {
  const privateKey = createPrivateKey({
    key: Buffer.from(v.privateKeyPkcs8, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey({
    key: Buffer.from(v.publicKeySpki, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const padding = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
  const known = privateDecrypt({ key: privateKey, ...padding }, hex(v.ciphertext));
  if (!same(known, hex(v.plaintext))) return false;
  const probe = randomBytes(32);
  const roundTrip = privateDecrypt(
    { key: privateKey, ...padding },
    publicEncrypt({ key: publicKey, ...padding }, probe),
  );
  return same(roundTrip, probe);
}

const TESTS: { readonly [K in SelfTestName]: (v: SelfTestVectors[K]) => boolean } = {
  aes256Gcm,
  hmacSha256,
  sha256,
  x25519,
  hkdfSha256,
  ecdsaP256,
  rsaOaepSha256,
};

/**
 * Power-on self-tests (DESIGN §3.1): one known-answer test per algorithm of DESIGN §2. A test that
 * throws (bad key encoding, OpenSSL refusal) fails like a wrong answer.
 */
export function runSelfTests(vectors: SelfTestVectors): SelfTestReport {
  const failed: SelfTestName[] = [];
  for (const name of Object.keys(TESTS) as SelfTestName[]) {
    let ok = false;
    try {
      ok = (TESTS[name] as (v: unknown) => boolean)(vectors[name]);
    } catch {
      ok = false;
    }
    if (!ok) failed.push(name);
  }
  return { passed: failed.length === 0, failed };
}
