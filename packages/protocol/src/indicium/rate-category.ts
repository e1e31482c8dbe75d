import { IndiciumError } from '../errors/indicium-error.js';
import type { CodecErrorCode } from './codec-error-code.js';

/**
 * The rate category (DESIGN §5): 4 ASCII characters, restricted here to upper-case A–Z and 0–9,
 * the alphabet of US rate category codes. No spaces, lower case, punctuation or control characters:
 * the category is printed as human-readable text beside the Data Matrix, and a narrow alphabet
 * leaves no room for look-alike or invisible characters.
 */
export const RATE_CATEGORY_LENGTH = 4;

const FIELD = 'rateCategory';
const RATE_CATEGORY_TEXT = /^[A-Z0-9]{4}$/;

/** Checks a rate category given as text and returns it. */
export function checkRateCategory(value: unknown, code: CodecErrorCode): string {
  if (typeof value !== 'string' || !RATE_CATEGORY_TEXT.test(value)) {
    throw new IndiciumError(code, { field: FIELD, detail: 'must be 4 characters A-Z or 0-9' });
  }
  return value;
}

/** Writes a checked rate category as 4 ASCII bytes at `offset`. */
export function writeRateCategory(target: Uint8Array, offset: number, value: string): void {
  for (let i = 0; i < RATE_CATEGORY_LENGTH; i++) target[offset + i] = value.charCodeAt(i);
}

/** Reads 4 bytes at `offset` as a rate category; any byte outside A–Z0–9 is refused. */
export function readRateCategory(source: Uint8Array, offset: number, code: CodecErrorCode): string {
  const text = String.fromCharCode(...source.subarray(offset, offset + RATE_CATEGORY_LENGTH));
  return checkRateCategory(text, code);
}
