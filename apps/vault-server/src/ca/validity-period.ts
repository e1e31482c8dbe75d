import type { X509Certificate } from 'node:crypto';
import { certificateInvalid } from './certificate-invalid.js';

export interface ValidityPeriod {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * The certificate's validity as dates. Node 20's `X509Certificate` gives OpenSSL's text form
 * (`Nov 26 17:17:39 2026 GMT`); a value that does not parse is treated as a malformed certificate.
 */
export function validityPeriodOf(certificate: X509Certificate, field: string): ValidityPeriod {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw certificateInvalid(field, 'malformed', 'The validity dates could not be read.');
  }
  return { notBefore, notAfter };
}

/** Refuses a certificate used outside its validity period (RFC 5280 §4.1.2.5: both ends inclusive). */
export function assertWithinValidity(certificate: X509Certificate, at: Date, field: string): ValidityPeriod {
  const period = validityPeriodOf(certificate, field);
  if (at.getTime() < period.notBefore.getTime()) {
    throw certificateInvalid(field, 'not-yet-valid', `Not valid before ${period.notBefore.toISOString()}.`);
  }
  if (at.getTime() > period.notAfter.getTime()) {
    throw certificateInvalid(field, 'expired', `Expired at ${period.notAfter.toISOString()}.`);
  }
  return period;
}
