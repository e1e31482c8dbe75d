import { verify } from 'node:crypto';
import {
  formatDeviceId,
  IndiciumError,
  type IndiciumFields,
  PROTOCOL_VERSION,
  parseIndicium,
  toWireError,
  type VerifyAnswer,
} from '@indicium/protocol';
import { verifyMeterCertificate } from '../../ca/verify-meter-certificate.js';
import type { CertificateSource } from './certificate-source.js';

function refused(error: unknown, fields: IndiciumFields | null, deviceId: string | null): VerifyAnswer {
  if (!(error instanceof IndiciumError)) throw error;
  return {
    protocol: PROTOCOL_VERSION,
    valid: false,
    fields,
    deviceId,
    reason: toWireError(error) as VerifyAnswer['reason'],
  };
}

/**
 * Verifies scanned indicium bytes for anyone (DESIGN §5, `POST /v1/verify`): parses the 114 bytes
 * with the protocol codec, fetches the meter certificate named by field 3, checks it chains to the
 * postal CA and names the indicium's device (vendor, model, serial), then checks the ECDSA P-256
 * signature over bytes 0–49 with OpenSSL. A well-formed request always gets an answer: `valid`
 * with the decoded fields (SAMPLE flag included), or why not as a typed reason —
 * INDICIUM_MALFORMED, CERTIFICATE_INVALID (unknown serial, chain, device, expiry) or
 * SIGNATURE_INVALID.
 *
 * @example
 * const answer = await verifyIndicium(bytes, certificates, new Date());
 */
export async function verifyIndicium(
  bytes: Uint8Array,
  certificates: CertificateSource,
  at: Date,
): Promise<VerifyAnswer> {
  let parsed: ReturnType<typeof parseIndicium>;
  try {
    parsed = parseIndicium(bytes);
  } catch (error) {
    return refused(error, null, null);
  }
  const { fields, signedPart, signature } = parsed;
  const deviceId = formatDeviceId(fields);
  try {
    const record = await certificates.certificates.get(fields.certificateSerial);
    if (record === null) {
      throw new IndiciumError('CERTIFICATE_INVALID', {
        field: 'certificateSerial',
        details: { reason: 'unknown-serial' },
      });
    }
    const certificate = verifyMeterCertificate(record.pem, certificates.postalCaPem, { deviceId, at });
    if (certificate.serial !== fields.certificateSerial) {
      throw new IndiciumError('CERTIFICATE_INVALID', {
        field: 'certificateSerial',
        details: { reason: 'serial' },
      });
    }
    const good = verify(
      'sha256',
      signedPart,
      { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' },
      signature,
    );
    if (!good) throw new IndiciumError('SIGNATURE_INVALID', { field: 'signature' });
  } catch (error) {
    return refused(error, fields, deviceId);
  }
  return { protocol: PROTOCOL_VERSION, valid: true, fields, deviceId, reason: null };
}
