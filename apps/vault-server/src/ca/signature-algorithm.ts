import type { X509Certificate } from 'node:crypto';
import { certificateInvalid } from './certificate-invalid.js';
import { inspectCertificate } from './read-certificate-extensions.js';

/**
 * Refuses a certificate signed with anything but ECDSA with SHA-256. OpenSSL would verify a
 * SHA-1 or SHA-384 signature just as readily; pinning the one algorithm our CAs use means a
 * weakness found in any other hash can never forge a certificate we accept (DESIGN §2). OpenSSL
 * itself refuses a certificate whose signed and unsigned algorithm fields differ.
 */
export function assertEcdsaSha256(certificate: X509Certificate, field: string): void {
  // ecdsa-with-SHA256 (RFC 5758 §3.2) reads back as WebCrypto { name: 'ECDSA', hash: { name: 'SHA-256' } }.
  const algorithm = inspectCertificate(certificate, field).signatureAlgorithm as {
    readonly name?: string;
    readonly hash?: { readonly name?: string };
  };
  if (algorithm.name !== 'ECDSA' || algorithm.hash?.name !== 'SHA-256') {
    throw certificateInvalid(
      field,
      'algorithm',
      'Only ecdsa-with-SHA256 certificate signatures are accepted.',
    );
  }
}
