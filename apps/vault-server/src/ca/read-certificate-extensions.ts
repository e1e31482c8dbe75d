import type { X509Certificate } from 'node:crypto';
import { certificateInvalid } from './certificate-invalid.js';
import { x509 } from './x509-library.js';

/** The key usage bits of RFC 5280 §4.2.1.3 that Indicium's certificates use. */
export const KeyUsage = Object.freeze({
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
});

/** Extended key usage OIDs (RFC 5280 §4.2.1.12) for the TLS certificates of DESIGN §6 and §9. */
export const ExtendedKeyUsageOid = Object.freeze({
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
});

export interface CertificateExtensions {
  readonly basicConstraints?: {
    readonly ca: boolean;
    readonly pathLength?: number;
    readonly critical: boolean;
  };
  readonly keyUsage?: { readonly flags: number; readonly critical: boolean };
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
}

/**
 * Parses a certificate OpenSSL already accepted with `@peculiar/x509`, for the details OpenSSL
 * does not expose. A certificate this second parser cannot read is refused as malformed rather
 * than let a library error escape as something other than `CERTIFICATE_INVALID`.
 */
export function inspectCertificate(certificate: X509Certificate, field: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(certificate.raw);
  } catch (error) {
    throw certificateInvalid(field, 'malformed', 'The certificate could not be parsed.', error);
  }
}

/**
 * Reads the extensions that `node:crypto` does not expose (key usage bits, path length,
 * criticality, key identifiers). Parsing only: every signature and chain decision stays with
 * OpenSSL through `node:crypto`.
 */
export function readCertificateExtensions(
  certificate: X509Certificate,
  field = 'certificate',
): CertificateExtensions {
  const parsed = inspectCertificate(certificate, field);
  const bc = parsed.getExtension(x509.BasicConstraintsExtension);
  const ku = parsed.getExtension(x509.KeyUsagesExtension);
  const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  const ski = parsed.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = parsed.getExtension(x509.AuthorityKeyIdentifierExtension);
  return {
    ...(bc === null
      ? {}
      : {
          basicConstraints: {
            ca: bc.ca,
            critical: bc.critical,
            ...(bc.pathLength === undefined ? {} : { pathLength: bc.pathLength }),
          },
        }),
    ...(ku === null ? {} : { keyUsage: { flags: ku.usages, critical: ku.critical } }),
    ...(eku === null ? {} : { extendedKeyUsage: eku.usages.map(String) }),
    ...(ski === null ? {} : { subjectKeyId: ski.keyId }),
    ...(aki?.keyId === undefined ? {} : { authorityKeyId: aki.keyId }),
  };
}
