import { type KeyObject, X509Certificate } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { CertificateAuthority } from './certificate-authority.js';
import { isIssuedBy } from './is-issued-by.js';
import { toPublicCryptoKey } from './p256-key-pair.js';
import { assertWithinValidity, type ValidityPeriod } from './validity-period.js';
import { x509 } from './x509-library.js';

export interface LeafCertificateRequest {
  /** Structured, never a DN string: a value containing `,` or `+` cannot smuggle in extra RDNs. */
  readonly subject: x509.JsonName;
  /** Already checked to be P-256 by the caller (`toP256PublicKey`). */
  readonly publicKey: KeyObject;
  readonly serialNumberHex: string;
  readonly validity: ValidityPeriod;
  /** The issuer's clock, to refuse issuing from a CA that is not valid now. */
  readonly now: Date;
  readonly keyUsage: number;
  readonly extensions?: readonly x509.Extension[];
}

/**
 * Signs an end-entity certificate under `ca`: basicConstraints CA:false and keyUsage (both
 * critical), subject and authority key identifiers, ECDSA with SHA-256. A certificate can never be
 * honoured past its CA's end (RFC 5280 §6.1.3), so notAfter is cut to the CA's. The result is
 * re-read by OpenSSL and checked to chain to `ca` before anyone sees it.
 */
export async function issueLeafCertificate(
  ca: CertificateAuthority,
  request: LeafCertificateRequest,
): Promise<string> {
  const caPeriod = assertWithinValidity(ca.certificate, request.now, 'caCertificate');
  const notAfter = new Date(Math.min(request.validity.notAfter.getTime(), caPeriod.notAfter.getTime()));
  if (notAfter.getTime() <= request.validity.notBefore.getTime()) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'notBefore',
      detail: 'The certificate would start after its CA expires.',
    });
  }
  const caParsed = new x509.X509Certificate(ca.certificate.raw);
  const caKeyId = caParsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const publicKey = await toPublicCryptoKey(request.publicKey);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: request.serialNumberHex,
    // The CA's own encoded name, byte for byte, so issuer/subject matching never depends on re-encoding.
    issuer: caParsed.subjectName,
    subject: request.subject,
    notBefore: request.validity.notBefore,
    notAfter,
    publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(request.keyUsage, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      caKeyId === undefined
        ? await x509.AuthorityKeyIdentifierExtension.create(
            ca.certificate.publicKey.export({ format: 'der', type: 'spki' }),
          )
        : new x509.AuthorityKeyIdentifierExtension(caKeyId),
      ...(request.extensions ?? []),
    ],
  });
  const pem = certificate.toString('pem');
  if (!isIssuedBy(new X509Certificate(pem), ca.certificate)) {
    throw new IndiciumError('INTERNAL_ERROR', { detail: 'A freshly issued certificate did not verify.' });
  }
  return `${pem}\n`;
}
