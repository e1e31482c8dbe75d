import { IndiciumError } from '../errors/indicium-error.js';
import { checkUint } from './check-uint.js';
import type { CodecErrorCode } from './codec-error-code.js';
import { MAX_PSD_MODEL, MAX_PSD_SERIAL, MAX_VENDOR_ID } from './indicium-layout.js';

/** A meter's device id: the three fields of the indicium that name the PSD (DESIGN §5). */
export interface DeviceId {
  vendorId: number;
  psdModel: number;
  psdSerial: number;
}

const DEVICE_ID_TEXT = /^([0-9]{5})-([0-9]{5})-([0-9]{10})$/;

/**
 * The text form: vendor, model and serial in decimal, zero-padded to 5, 5 and 10 digits, joined by
 * '-' (DESIGN §5). The meter certificate's subject CN is exactly this text.
 *
 * @example formatDeviceId({ vendorId: 42, psdModel: 1, psdSerial: 1001 }) // '00042-00001-0000001001'
 */
export function formatDeviceId(id: DeviceId, code: CodecErrorCode = 'INVALID_FIELD'): string {
  const vendorId = checkUint(id?.vendorId, 0, MAX_VENDOR_ID, 'vendorId', code);
  const psdModel = checkUint(id?.psdModel, 0, MAX_PSD_MODEL, 'psdModel', code);
  const psdSerial = checkUint(id?.psdSerial, 0, MAX_PSD_SERIAL, 'psdSerial', code);
  return `${String(vendorId).padStart(5, '0')}-${String(psdModel).padStart(5, '0')}-${String(psdSerial).padStart(10, '0')}`;
}

/**
 * Parses the text form back. Only the exact padded form is accepted, so one device has one text
 * (a CN compared as text cannot be spoofed by '42-1-1001' or extra zeros).
 *
 * @example parseDeviceId('00042-00001-0000001001') // { vendorId: 42, psdModel: 1, psdSerial: 1001 }
 */
export function parseDeviceId(text: string, code: CodecErrorCode = 'INVALID_FIELD'): DeviceId {
  const match = typeof text === 'string' ? DEVICE_ID_TEXT.exec(text) : null;
  if (match === null) {
    throw new IndiciumError(code, { field: 'deviceId', detail: "must be 'VVVVV-MMMMM-SSSSSSSSSS'" });
  }
  return {
    vendorId: checkUint(Number(match[1]), 0, MAX_VENDOR_ID, 'vendorId', code),
    psdModel: checkUint(Number(match[2]), 0, MAX_PSD_MODEL, 'psdModel', code),
    psdSerial: checkUint(Number(match[3]), 0, MAX_PSD_SERIAL, 'psdSerial', code),
  };
}
