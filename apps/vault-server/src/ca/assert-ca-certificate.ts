import type { X509Certificate } from 'node:crypto';
import { certificateInvalid } from './certificate-invalid.js';
import { isIssuedBy } from './is-issued-by.js';
import { KeyUsage, readCertificateExtensions } from './read-certificate-extensions.js';
import { assertEcdsaSha256 } from './signature-algorithm.js';
import { assertWithinValidity } from './validity-period.js';

/**
 * Checks that a certificate can serve as a trust anchor for Indicium's one-level hierarchies
 * (postal CA → meter, development CA → TLS leaf): CA:true, allowed to sign certificates, P-256,
 * self-signed with an ECDSA/SHA-256 signature that verifies (so a damaged or swapped CA file is caught here, not
 * as a confusing leaf failure), and, when `at` is given, within its validity period.
 */
export function assertCaCertificate(certificate: X509Certificate, field: string, at?: Date): void {
  const extensions = readCertificateExtensions(certificate, field);
  if (!certificate.ca || extensions.basicConstraints?.ca !== true) {
    throw certificateInvalid(
      field,
      'not-a-ca',
      'The certificate is not a CA certificate (basicConstraints).',
    );
  }
  const usage = extensions.keyUsage;
  if (usage === undefined || (usage.flags & KeyUsage.keyCertSign) === 0) {
    throw certificateInvalid(field, 'key-usage', 'The CA certificate does not allow keyCertSign.');
  }
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw certificateInvalid(field, 'public-key', 'The CA key must be ECDSA P-256 (DESIGN §2).');
  }
  assertEcdsaSha256(certificate, field);
  if (!isIssuedBy(certificate, certificate)) {
    throw certificateInvalid(field, 'signature', 'The CA certificate is not validly self-signed.');
  }
  if (at !== undefined) assertWithinValidity(certificate, at, field);
}
