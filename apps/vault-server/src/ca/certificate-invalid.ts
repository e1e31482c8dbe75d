import { IndiciumError } from '@indicium/protocol';

/** Why a certificate was refused; sent as `details.reason` so callers and tests can tell cases apart. */
export type CertificateProblem =
  | 'malformed'
  | 'not-a-ca'
  | 'is-a-ca'
  | 'key-usage'
  | 'issuer'
  | 'signature'
  | 'algorithm'
  | 'expired'
  | 'not-yet-valid'
  | 'device-id'
  | 'public-key'
  | 'serial'
  | 'key-mismatch';

/**
 * Builds the `CERTIFICATE_INVALID` refusal. `field` names the input at fault (`certificate`,
 * `caCertificate`, `caPrivateKey`, `deviceId`, `publicKey`); the message never includes key bytes.
 */
export function certificateInvalid(
  field: string,
  reason: CertificateProblem,
  detail: string,
  cause?: unknown,
): IndiciumError {
  return new IndiciumError('CERTIFICATE_INVALID', {
    field,
    detail,
    details: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}
