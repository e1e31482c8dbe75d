import { X509Certificate } from 'node:crypto';
import { AuthorizePsdBodySchema, IndiciumError } from '@indicium/protocol';
import { commitPackage, nextVersion } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { openPackage, requirePsdState } from './open-package.js';
import type { PsdPackage } from './package/psd-package.js';

function invalid(field: string, detail: string, cause?: unknown): IndiciumError {
  return new IndiciumError('CERTIFICATE_INVALID', {
    field,
    detail,
    ...(cause === undefined ? {} : { cause }),
  });
}

function parse(pemOrDer: string | Buffer, field: string): X509Certificate {
  try {
    return new X509Certificate(pemOrDer);
  } catch (cause) {
    throw invalid(field, 'not an X.509 certificate', cause);
  }
}

/** The 32-bit certificate serial of the indicium (DESIGN §5, offset 2). */
function serialOf(certificate: X509Certificate): number {
  const hex = certificate.serialNumber.replace(/^0+/, '');
  const serial = /^[0-9A-Fa-f]{1,8}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
  if (!(serial >= 1 && serial <= 0xffff_ffff))
    throw invalid('certificate', 'serial is not a 32-bit indicium serial');
  return serial;
}

/**
 * Checks the meter certificate with OpenSSL (`node:crypto` X509Certificate, DESIGN §2): issued by
 * the postal CA of the crypto-card and its signature verifies under the CA key, valid now, not a
 * CA, subject exactly `CN=<device id>`, and certifying exactly this package's indicium key.
 */
export function checkMeterCertificate(
  certificate: X509Certificate,
  caPem: string,
  pkg: PsdPackage,
  now: number,
): void {
  const ca = parse(caPem, 'postalCaCertificatePem');
  if (!certificate.checkIssued(ca)) throw invalid('certificate', 'not issued by the postal CA');
  let verified = false;
  try {
    verified = certificate.verify(ca.publicKey);
  } catch {
    verified = false;
  }
  if (!verified) throw invalid('certificate', 'signature does not verify under the postal CA');
  if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
    throw invalid('certificate', 'not valid at module time');
  }
  if (certificate.ca) throw invalid('certificate', 'a meter certificate is not a CA');
  if (certificate.subject !== `CN=${pkg.meterId}`) throw invalid('deviceId', 'names another device');
  const key = certificate.publicKey.export({ type: 'spki', format: 'der' });
  if (!key.equals(pkg.publicKey)) throw invalid('publicKey', 'certifies another key');
}

/**
 * Authorize PSD (DESIGN §3.3, Certificate Authority role): the CA's authority is the certificate
 * itself, checked against the postal CA certificate loaded into the crypto-card. raw → unleased;
 * the certificate serial goes into every indicium and its notAfter ends the key's use.
 */
export const authorizePsdCommand = definePsdCommand({
  name: 'authorize-psd',
  summary: 'Loads the meter certificate (CA-signed, this device id and key): raw → unleased.',
  design: 'DESIGN §3.3',
  role: 'ca',
  auth: 'ca-certificate',
  request: AuthorizePsdBodySchema,
  handler: (ctx, body) => {
    const { pkg, keys, mks } = openPackage(ctx, body.package);
    requirePsdState(pkg, ['raw']);
    const caPem = ctx.nvm.get('cryptoCard').postalCaCertificatePem;
    if (caPem === null) throw new IndiciumError('WRONG_STATE', { detail: 'no postal CA in the crypto-card' });
    const certificate = parse(Buffer.from(body.certificate, 'base64'), 'certificate');
    checkMeterCertificate(certificate, caPem, pkg, ctx.now);
    const certificateSerial = serialOf(certificate);
    const next = nextVersion(pkg, {
      state: 'unleased',
      certificateSerial,
      keyExpiresAt: Date.parse(certificate.validTo),
    });
    const done = commitPackage(ctx, next, keys, mks, {
      userId: null,
      amountMills: 0,
      total: 'none',
      audit: { certificateSerial: String(certificateSerial), fingerprint: certificate.fingerprint256 },
    });
    return { result: { ...done.records, certificateSerial }, auditData: done.auditData };
  },
});
