import { describe, expect, it } from 'vitest';
import { checkUint } from './check-uint.js';

const refused = (code: string, field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code, field });

describe('checkUint', () => {
  it('returns an integer inside the range, bounds included', () => {
    expect(checkUint(0, 0, 10, 'x', 'INVALID_FIELD')).toBe(0);
    expect(checkUint(10, 0, 10, 'x', 'INVALID_FIELD')).toBe(10);
  });

  it.each([
    ['below the minimum', 0, 1],
    ['above the maximum', 11, 0],
    ['a fraction', 1.5, 0],
    ['NaN', Number.NaN, 0],
    ['Infinity', Number.POSITIVE_INFINITY, 0],
    ['a numeric string', '5', 0],
    ['a bigint', 5n, 0],
    ['null', null, 0],
    ['undefined', undefined, 0],
  ])('refuses %s with the given code and field', (_name, value, min) => {
    expect(() => checkUint(value, min, 10, 'postageMills', 'INVALID_FIELD')).toThrow(
      refused('INVALID_FIELD', 'postageMills'),
    );
    expect(() => checkUint(value, min, 10, 'postageMills', 'INDICIUM_MALFORMED')).toThrow(
      refused('INDICIUM_MALFORMED', 'postageMills'),
    );
  });

  it('refuses integers beyond 2^53 even when the range would allow them', () => {
    expect(() => checkUint(2 ** 53, 0, 2 ** 60, 'x', 'INVALID_FIELD')).toThrow(refused('INVALID_FIELD', 'x'));
  });
});
