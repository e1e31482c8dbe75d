import { IndiciumError } from '../errors/indicium-error.js';
import type { CodecErrorCode } from './codec-error-code.js';

/**
 * Returns `value` if it is a safe integer in [min, max], else throws `code` naming `field`.
 * Money is integer mills (DESIGN §4): a float, NaN, a bigint or a numeric string is refused, never
 * rounded, so that no caller can smuggle a fraction of a mill through the codec.
 */
export function checkUint(
  value: unknown,
  min: number,
  max: number,
  field: string,
  code: CodecErrorCode,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new IndiciumError(code, { field, detail: 'must be an integer' });
  }
  if (value < min || value > max) {
    throw new IndiciumError(code, {
      field,
      detail: `must be between ${min} and ${max}`,
      details: { min, max },
    });
  }
  return value;
}
