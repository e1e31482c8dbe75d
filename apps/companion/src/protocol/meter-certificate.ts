import type { KeyObject } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import { verifyChainedCertificate } from './chained-certificate.js';

/**
 * The meter certificate an indicium names (DESIGN §5): chained to the pinned postal CA, its serial
 * the indicium's certificate serial, its subject exactly `CN=<device id>` of the meter asked for.
 * Returns the meter's indicium public key. CERTIFICATE_INVALID otherwise.
 */
export function verifyMeterCertificate(
  pem: string,
  postalCaPem: string,
  expected: { readonly serial: number; readonly meterId: string; readonly at: Date },
): KeyObject {
  const { certificate, publicKey } = verifyChainedCertificate(pem, postalCaPem, expected.at, 'certificate');
  const serial = Number.parseInt(certificate.serialNumber, 16);
  if (serial !== expected.serial) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'certificateSerial',
      details: { reason: 'serial' },
    });
  }
  if (certificate.subject !== `CN=${expected.meterId}`) {
    throw new IndiciumError('CERTIFICATE_INVALID', { field: 'deviceId', details: { reason: 'device-id' } });
  }
  return publicKey;
}
