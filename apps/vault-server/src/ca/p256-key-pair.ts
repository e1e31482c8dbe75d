import { generateKeyPair, type KeyObject, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface P256KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A fresh ECDSA P-256 key pair from OpenSSL (DESIGN §2: every CA, meter and TLS key is P-256). */
export async function generateP256KeyPair(): Promise<P256KeyPair> {
  return generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * The WebCrypto handle `@peculiar/x509` signs with, made once per CA and cached (DESIGN §2:
 * re-importing PKCS#8 per operation costs far more than the signature). Not extractable, sign only.
 */
export async function toSigningCryptoKey(privateKey: KeyObject): Promise<webcrypto.CryptoKey> {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', pkcs8, ECDSA_P256, false, ['sign']);
}

/** The WebCrypto form of a public key, for the certificate's subjectPublicKeyInfo. */
export async function toPublicCryptoKey(publicKey: KeyObject): Promise<webcrypto.CryptoKey> {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return webcrypto.subtle.importKey('spki', spki, ECDSA_P256, true, ['verify']);
}
