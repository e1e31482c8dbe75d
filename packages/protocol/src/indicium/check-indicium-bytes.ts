import { IndiciumError } from '../errors/indicium-error.js';

const CODE = 'INDICIUM_MALFORMED';

/** Refuses anything but a Uint8Array of exactly `length` bytes (field `length`, DESIGN §5). */
export function checkIndiciumBytes(bytes: unknown, length: number): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new IndiciumError(CODE, { field: 'length', detail: 'expected bytes' });
  }
  if (bytes.length !== length) {
    throw new IndiciumError(CODE, {
      field: 'length',
      detail: `expected ${length} bytes, got ${bytes.length}`,
      details: { expected: length, actual: bytes.length },
    });
  }
  return bytes;
}
