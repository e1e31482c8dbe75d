import { randomBytes } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';

const SERIAL_BYTES = 16;
const UINT32_MAX = 0xffff_ffff;

/**
 * A random 128-bit positive serial for CA and TLS certificates. Unpredictable serials keep a
 * chosen-prefix collision from being prepared in advance (CA/Browser Forum BR §7.1: ≥ 64 bits of
 * CSPRNG output). The top bit is cleared so DER needs no sign byte, the next set so the length is fixed.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/**
 * The hex serial of a meter certificate: the indicium's 32-bit certificate serial (DESIGN §5,
 * offset 2), which a verifier uses to fetch this certificate. Zero is refused: RFC 5280 §4.1.2.2
 * wants a positive integer, and the caller (who allocates serials) must pass a real one.
 */
export function meterSerialHex(serial: number, field = 'serial'): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > UINT32_MAX) {
    throw new IndiciumError('INVALID_FIELD', {
      field,
      detail: `A meter certificate serial is an integer from 1 to ${UINT32_MAX}.`,
    });
  }
  return serial.toString(16).padStart(8, '0');
}
