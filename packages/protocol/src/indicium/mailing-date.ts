import { IndiciumError } from '../errors/indicium-error.js';
import type { CodecErrorCode } from './codec-error-code.js';

/**
 * The mailing date (DESIGN §5): uint32, the decimal number YYYYMMDD, a real Gregorian date.
 *
 * The codec accepts any year 0001–9999 that ISO 'YYYY-MM-DD' can write; whether a date is
 * acceptable for mailing (today, or a few days ahead) is policy, checked where the clock is.
 */
export const MIN_MAILING_DATE = 10101;
export const MAX_MAILING_DATE = 99991231;

const FIELD = 'mailingDate';
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * 'YYYY-MM-DD' → YYYYMMDD.
 *
 * @example encodeMailingDate('2028-02-29') // 20280229
 */
export function encodeMailingDate(iso: string, code: CodecErrorCode = 'INVALID_FIELD'): number {
  const match = typeof iso === 'string' ? ISO_DATE.exec(iso) : null;
  if (match === null) throw new IndiciumError(code, { field: FIELD, detail: "must be 'YYYY-MM-DD'" });
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (!isRealDate(year, month, day)) {
    throw new IndiciumError(code, { field: FIELD, detail: 'not a real calendar date' });
  }
  return year * 10000 + month * 100 + day;
}

/**
 * YYYYMMDD → 'YYYY-MM-DD'.
 *
 * @example decodeMailingDate(20261126) // '2026-11-26'
 */
export function decodeMailingDate(n: number, code: CodecErrorCode = 'INDICIUM_MALFORMED'): string {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < MIN_MAILING_DATE || n > MAX_MAILING_DATE) {
    throw new IndiciumError(code, { field: FIELD, detail: 'not a YYYYMMDD date' });
  }
  const year = Math.floor(n / 10000);
  const month = Math.floor(n / 100) % 100;
  const day = n % 100;
  if (!isRealDate(year, month, day)) {
    throw new IndiciumError(code, { field: FIELD, detail: 'not a real calendar date' });
  }
  const pad = (v: number, width: number): string => String(v).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}
