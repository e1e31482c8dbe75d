import { sign } from 'node:crypto';
import {
  attachIndiciumSignature,
  encodeIndiciumSignedPart,
  IndiciumError,
  type IndiciumKind,
  parseDeviceId,
} from '@indicium/protocol';
import type { MeterKeys } from './package/meter-keys.js';
import type { PsdPackage } from './package/psd-package.js';

/** The software id printed in every indicium (DESIGN §5, offset 30): this module's PSD software. */
export const PSD_SOFTWARE_ID = 1;

/** What a transaction puts into an indicium; registers and piece count are the values after it. */
export interface IndiciumTransaction {
  readonly kind: IndiciumKind;
  readonly postageMills: number;
  readonly mailingDate: string;
  readonly rateCategory: string;
  readonly destinationZip: string | null;
}

/**
 * Assembles and signs a version 1 indicium (DESIGN §5) with the meter's cached signing key: ECDSA
 * P-256 / SHA-256, raw r‖s. Every indicium is marked SAMPLE: the crypto-card has no real provider
 * chain to say otherwise (DESIGN legal note). The key must be certified and unexpired.
 */
export function signIndicium(
  pkg: PsdPackage,
  keys: MeterKeys,
  tx: IndiciumTransaction,
  now: number,
): Uint8Array {
  if (pkg.certificateSerial === null || pkg.licensingZip === null) {
    throw new IndiciumError('WRONG_STATE', {
      field: 'package',
      detail: 'the meter is not certified and licensed',
    });
  }
  if (pkg.keyExpiresAt !== null && now > pkg.keyExpiresAt) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'certificate',
      detail: 'the meter key has expired',
    });
  }
  const device = parseDeviceId(pkg.meterId);
  const signedPart = encodeIndiciumSignedPart({
    version: 1,
    algorithm: 1,
    certificateSerial: pkg.certificateSerial,
    vendorId: device.vendorId,
    psdModel: device.psdModel,
    psdSerial: device.psdSerial,
    ascendingRegisterMills: pkg.ascendingRegister,
    postageMills: tx.postageMills,
    mailingDate: tx.mailingDate,
    originZip: pkg.licensingZip,
    softwareId: PSD_SOFTWARE_ID,
    descendingRegisterMills: pkg.descendingRegister,
    rateCategory: tx.rateCategory,
    destinationZip: tx.destinationZip,
    pieceCount: pkg.pieceCount,
    kind: tx.kind,
    sample: true,
  });
  const signature = sign('sha256', signedPart, { key: keys.signingKey, dsaEncoding: 'ieee-p1363' });
  return attachIndiciumSignature(signedPart, signature);
}
