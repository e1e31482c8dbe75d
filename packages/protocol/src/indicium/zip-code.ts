import { IndiciumError } from '../errors/indicium-error.js';
import type { CodecErrorCode } from './codec-error-code.js';

/**
 * ZIP codes in an indicium (DESIGN §5): uint32 = ZIP5 × 10000 + ZIP+4 suffix, 0 suffix = none.
 *
 * ZIP5 00000 is no ZIP code, so the smallest value is 00001 (10000). The +4 suffix 0000 is refused
 * in text: it would encode exactly like "no suffix" and the indicium would not say back what the
 * caller asked for (the companion compares every field, DESIGN §4.3).
 */
export const MIN_ZIP_VALUE = 1 * 10000;
export const MAX_ZIP_VALUE = 99999 * 10000 + 9999;

const ZIP_TEXT = /^([0-9]{5})(?:-([0-9]{4}))?$/;

/**
 * Parses 'NNNNN' or 'NNNNN-NNNN' to its indicium number.
 *
 * @param field the caller's field name, reported in the error (e.g. 'originZip').
 * @param code `INVALID_FIELD` (default) for caller input.
 * @example parseZip('10001-1234', 'originZip') // 100011234
 */
export function parseZip(text: string, field: string, code: CodecErrorCode = 'INVALID_FIELD'): number {
  const match = typeof text === 'string' ? ZIP_TEXT.exec(text) : null;
  if (match === null) throw new IndiciumError(code, { field, detail: "must be 'NNNNN' or 'NNNNN-NNNN'" });
  const zip5 = Number(match[1]);
  const plus4 = match[2] === undefined ? 0 : Number(match[2]);
  if (zip5 === 0) throw new IndiciumError(code, { field, detail: 'ZIP 00000 does not exist' });
  if (match[2] !== undefined && plus4 === 0) {
    throw new IndiciumError(code, { field, detail: "a '-0000' suffix is ambiguous; omit the suffix" });
  }
  return zip5 * 10000 + plus4;
}

/**
 * Formats an indicium ZIP number as 'NNNNN' (suffix 0) or 'NNNNN-NNNN'. 0 (destination not given)
 * is not a ZIP: the codec maps it to null before calling this.
 *
 * @param code `INDICIUM_MALFORMED` (default): the number normally comes from scanned bytes.
 * @example formatZip(5010001, 'originZip') // '00501-0001'
 */
export function formatZip(value: number, field: string, code: CodecErrorCode = 'INDICIUM_MALFORMED'): string {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < MIN_ZIP_VALUE ||
    value > MAX_ZIP_VALUE
  ) {
    throw new IndiciumError(code, {
      field,
      detail: `must be between ${MIN_ZIP_VALUE} and ${MAX_ZIP_VALUE}`,
    });
  }
  const zip5 = String(Math.floor(value / 10000)).padStart(5, '0');
  const plus4 = value % 10000;
  return plus4 === 0 ? zip5 : `${zip5}-${String(plus4).padStart(4, '0')}`;
}
