import { sign } from 'node:crypto';
import {
  type DeviceId,
  encodeIndiciumSignedPart,
  INDICIUM_LENGTH,
  INDICIUM_SIGNATURE_LENGTH,
  INDICIUM_SIGNED_LENGTH,
  IndiciumError,
  type IndiciumKind,
  parseDeviceId,
} from '@indicium/protocol';
import { LruMap } from './package/lru-map.js';
import { type MeterKeys, PSD_CACHE_ENTRIES } from './package/meter-keys.js';
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

/** Parsed device ids by meter id: the text never changes for a meter, so it is parsed once. */
const deviceIds = new LruMap<string, DeviceId>(PSD_CACHE_ENTRIES);

function deviceIdOf(meterId: string): DeviceId {
  let device = deviceIds.get(meterId);
  if (device === undefined) {
    device = parseDeviceId(meterId);
    deviceIds.set(meterId, device);
  }
  return device;
}

/**
 * Assembles and signs a version 1 indicium (DESIGN §5) with the meter's cached signing key: ECDSA
 * P-256 / SHA-256, raw r‖s. Every indicium is marked SAMPLE: the crypto-card has no real provider
 * chain to say otherwise (DESIGN legal note). The key must be certified and unexpired.
 */
/** What an indicium takes from the package: the registers and piece count after the transaction. */
export type IndiciumPackageFields = Pick<
  PsdPackage,
  | 'meterId'
  | 'certificateSerial'
  | 'licensingZip'
  | 'keyExpiresAt'
  | 'ascendingRegister'
  | 'descendingRegister'
  | 'pieceCount'
>;

export function signIndicium(
  pkg: IndiciumPackageFields,
  keys: Pick<MeterKeys, 'signingKey'>,
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
  const device = deviceIdOf(pkg.meterId);
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
  // What `attachIndiciumSignature` returns, without parsing again the signed part the checked
  // encoder just made; the r‖s comes from node:crypto's P-256 signer (r, s in [1, n−1] by
  // construction). `sign-indicium.test.ts` checks the two agree byte for byte.
  if (signature.length !== INDICIUM_SIGNATURE_LENGTH) {
    throw new IndiciumError('INDICIUM_MALFORMED', { field: 'signature' });
  }
  const indicium = new Uint8Array(INDICIUM_LENGTH);
  indicium.set(signedPart, 0);
  indicium.set(signature, INDICIUM_SIGNED_LENGTH);
  return indicium;
}
