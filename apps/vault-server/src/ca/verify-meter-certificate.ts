import { type KeyObject, X509Certificate } from 'node:crypto';
import { IndiciumError, parseDeviceId } from '@indicium/protocol';
import { assertCaCertificate } from './assert-ca-certificate.js';
import { certificateInvalid } from './certificate-invalid.js';
import { type PublicKeyInput, toP256PublicKey } from './p256-public-key.js';
import { KeyUsage, readCertificateExtensions } from './read-certificate-extensions.js';
import { assertEcdsaSha256 } from './signature-algorithm.js';
import { assertWithinValidity } from './validity-period.js';

export interface MeterCertificateExpectations {
  /** The device id the certificate must name (its whole subject is `CN=<deviceId>`). */
  readonly deviceId: string;
  /** When given, the certificate must certify exactly this key (Authorize PSD, DESIGN §3.3). */
  readonly publicKey?: PublicKeyInput;
  /** The time to check validity at. Default: now. */
  readonly at?: Date;
}

export interface VerifiedMeterCertificate {
  /** The indicium's certificate serial number (DESIGN §5, offset 2). */
  readonly serial: number;
  readonly deviceId: string;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly fingerprint256: string;
}

const UINT32_MAX = 0xffff_ffff;

function parseCertificate(pem: string, field: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw certificateInvalid(field, 'malformed', 'Not a PEM X.509 certificate.', error);
  }
}

/** Issuer first, then signature, so "another CA" and "altered bytes" are told apart. */
function assertIssuedBy(certificate: X509Certificate, ca: X509Certificate): void {
  if (!certificate.checkIssued(ca)) {
    throw certificateInvalid('certificate', 'issuer', 'The certificate was not issued by this CA.');
  }
  let signatureValid = false;
  try {
    signatureValid = certificate.verify(ca.publicKey);
  } catch {
    // OpenSSL may throw rather than return false on a damaged signature encoding.
    signatureValid = false;
  }
  if (!signatureValid) {
    throw certificateInvalid('certificate', 'signature', "The certificate's signature does not verify.");
  }
}

function checkLeafProfile(certificate: X509Certificate): void {
  const extensions = readCertificateExtensions(certificate);
  if (certificate.ca || extensions.basicConstraints?.ca === true) {
    throw certificateInvalid(
      'certificate',
      'is-a-ca',
      'A meter certificate must not be a CA (basicConstraints CA:true).',
    );
  }
  const flags = extensions.keyUsage?.flags ?? 0;
  if ((flags & KeyUsage.digitalSignature) === 0 || (flags & KeyUsage.keyCertSign) !== 0) {
    throw certificateInvalid('certificate', 'key-usage', 'A meter key must be for digitalSignature only.');
  }
}

function serialOf(certificate: X509Certificate): number {
  const hex = certificate.serialNumber.replace(/^0+/, '');
  const serial = /^[0-9A-Fa-f]{1,8}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
  if (!(serial >= 1 && serial <= UINT32_MAX)) {
    throw certificateInvalid(
      'certificate',
      'serial',
      'The serial number is not a 32-bit indicium certificate serial.',
    );
  }
  return serial;
}

/**
 * Verifies a meter certificate with OpenSSL (`node:crypto` `X509Certificate`): the CA is a valid
 * self-signed CA; the certificate was issued by it and its signature verifies; it is an end-entity
 * certificate for digital signatures; both are valid at `at`; its subject is exactly the expected
 * device id; its key is P-256 and, when given, the expected one; its serial fits the indicium's
 * 32-bit field. Every failure is `CERTIFICATE_INVALID` with `field` and `details.reason`
 * (malformed, issuer, signature, expired, …); a malformed expectation is `INVALID_FIELD`.
 *
 * @example
 * const { serial, publicKey } = verifyMeterCertificate(certPem, postalCaPem, { deviceId: '00042-00001-0000001001' });
 */
export function verifyMeterCertificate(
  certificatePem: string,
  caCertificatePem: string,
  expectations: MeterCertificateExpectations,
): VerifiedMeterCertificate {
  parseDeviceId(expectations.deviceId);
  const expectedKey =
    expectations.publicKey === undefined ? undefined : toP256PublicKey(expectations.publicKey, 'publicKey');
  const at = expectations.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new IndiciumError('INVALID_FIELD', { field: 'at', detail: 'Expected a valid date.' });
  }

  const ca = parseCertificate(caCertificatePem, 'caCertificate');
  assertCaCertificate(ca, 'caCertificate', at);
  const certificate = parseCertificate(certificatePem, 'certificate');
  assertIssuedBy(certificate, ca);
  assertEcdsaSha256(certificate, 'certificate');
  checkLeafProfile(certificate);
  const { notBefore, notAfter } = assertWithinValidity(certificate, at, 'certificate');

  if (certificate.subject !== `CN=${expectations.deviceId}`) {
    throw certificateInvalid('deviceId', 'device-id', 'The certificate names a different device.');
  }
  const publicKey = certificate.publicKey;
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw certificateInvalid('certificate', 'public-key', 'A meter key must be ECDSA P-256.');
  }
  if (expectedKey !== undefined && !publicKey.equals(expectedKey)) {
    throw certificateInvalid('publicKey', 'public-key', 'The certificate certifies a different key.');
  }
  return {
    serial: serialOf(certificate),
    deviceId: expectations.deviceId,
    publicKey,
    notBefore,
    notAfter,
    fingerprint256: certificate.fingerprint256,
  };
}
