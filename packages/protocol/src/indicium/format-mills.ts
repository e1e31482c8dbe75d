import { IndiciumError } from '../errors/indicium-error.js';

/**
 * Human text for an amount in mills (DESIGN §4: money is integer mills, 0.1 cent), for printing
 * beside the indicium and for the UI. Dollars with US thousands separators; cents always shown;
 * the third decimal (the mill) only when it is not zero, so common prices read naturally and a
 * fractional-cent rate is never hidden by rounding:
 *
 * @example
 * formatMills(730)     // '$0.73'
 * formatMills(735)     // '$0.735'
 * formatMills(0)       // '$0.00'
 * formatMills(1234500) // '$1,234.50'
 */
export function formatMills(mills: number): string {
  if (typeof mills !== 'number' || !Number.isSafeInteger(mills) || mills < 0) {
    throw new IndiciumError('INVALID_FIELD', { field: 'mills', detail: 'must be a non-negative integer' });
  }
  const dollars = Math.floor(mills / 1000);
  const fraction = mills % 1000;
  const grouped = String(dollars).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals =
    fraction % 10 === 0 ? String(fraction / 10).padStart(2, '0') : String(fraction).padStart(3, '0');
  return `$${grouped}.${decimals}`;
}
