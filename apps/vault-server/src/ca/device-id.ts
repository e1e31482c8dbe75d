import { IndiciumError } from '@indicium/protocol';

/**
 * A meter's device id: the vendor id, PSD model and PSD serial the indicium carries at offsets 6,
 * 8 and 10 (DESIGN §5), so their ranges are those fields' widths: uint16, uint16, uint32.
 */
export interface DeviceId {
  readonly vendor: number;
  readonly model: number;
  readonly serial: number;
}

// Exactly 5, 5 and 10 decimal digits: one text per device, so the certificate CN compares bytewise.
const DEVICE_ID_TEXT = /^(\d{5})-(\d{5})-(\d{10})$/;
const UINT16_MAX = 0xffff;
const UINT32_MAX = 0xffff_ffff;

function checkPart(value: number, max: number, part: string, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new IndiciumError('INVALID_FIELD', {
      field,
      detail: `The device id's ${part} must be an integer from 0 to ${max}.`,
      details: { part },
    });
  }
}

/**
 * Formats a device id as the text of DESIGN §5 (the meter certificate's subject CN).
 *
 * @example
 * formatDeviceId({ vendor: 42, model: 1, serial: 1001 }); // '00042-00001-0000001001'
 */
export function formatDeviceId(id: DeviceId, field = 'deviceId'): string {
  checkPart(id.vendor, UINT16_MAX, 'vendor', field);
  checkPart(id.model, UINT16_MAX, 'model', field);
  checkPart(id.serial, UINT32_MAX, 'serial', field);
  return `${String(id.vendor).padStart(5, '0')}-${String(id.model).padStart(5, '0')}-${String(id.serial).padStart(10, '0')}`;
}

/**
 * Parses and validates device id text (`VVVVV-MMMMM-SSSSSSSSSS`). Throws `INVALID_FIELD` naming
 * `field` when the text is not exactly that shape or a part exceeds its indicium field.
 *
 * @example
 * parseDeviceId('00042-00001-0000001001'); // { vendor: 42, model: 1, serial: 1001 }
 */
export function parseDeviceId(text: string, field = 'deviceId'): DeviceId {
  const match = typeof text === 'string' ? DEVICE_ID_TEXT.exec(text) : null;
  if (match === null) {
    throw new IndiciumError('INVALID_FIELD', {
      field,
      detail: 'A device id is vendor, model and serial as 5, 5 and 10 decimal digits joined by "-".',
    });
  }
  const id = { vendor: Number(match[1]), model: Number(match[2]), serial: Number(match[3]) };
  checkPart(id.vendor, UINT16_MAX, 'vendor', field);
  checkPart(id.model, UINT16_MAX, 'model', field);
  checkPart(id.serial, UINT32_MAX, 'serial', field);
  return id;
}
