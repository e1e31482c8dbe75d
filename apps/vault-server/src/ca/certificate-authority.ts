import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  type webcrypto,
  X509Certificate,
} from 'node:crypto';
import { assertCaCertificate } from './assert-ca-certificate.js';
import { certificateInvalid } from './certificate-invalid.js';
import { toSigningCryptoKey } from './p256-key-pair.js';

/**
 * A certificate authority ready to issue: its certificate and its private key, both parsed once.
 * Holds the key in memory only; `saveCertificateAuthority` is the one way it reaches a disk.
 */
export interface CertificateAuthority {
  readonly certificatePem: string;
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
  /** The same private key as a non-extractable WebCrypto key, cached for `@peculiar/x509`. */
  readonly signingKey: webcrypto.CryptoKey;
}

/**
 * Rebuilds a CA from its PEM files, refusing anything that is not a self-signed P-256 CA whose
 * private key matches its certificate (`CERTIFICATE_INVALID`, field `caCertificate` or
 * `caPrivateKey`). A mismatched pair would issue certificates that never verify.
 *
 * @example
 * const ca = await certificateAuthorityFromPem(certPem, keyPem);
 */
export async function certificateAuthorityFromPem(
  certificatePem: string,
  privateKeyPem: string,
): Promise<CertificateAuthority> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch (error) {
    throw certificateInvalid(
      'caCertificate',
      'malformed',
      'The CA certificate is not a PEM certificate.',
      error,
    );
  }
  assertCaCertificate(certificate, 'caCertificate');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch (error) {
    throw certificateInvalid(
      'caPrivateKey',
      'malformed',
      'The CA private key is not a PEM private key.',
      error,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ec' || !createPublicKey(privateKey).equals(certificate.publicKey)) {
    throw certificateInvalid(
      'caPrivateKey',
      'key-mismatch',
      'The private key does not belong to the CA certificate.',
    );
  }
  return {
    certificatePem: certificate.toString(),
    certificate,
    privateKey,
    signingKey: await toSigningCryptoKey(privateKey),
  };
}
