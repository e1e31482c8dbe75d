import { describe, expect, it } from 'vitest';
import { formatMills } from './format-mills.js';
import { MAX_ASCENDING_REGISTER_MILLS, MAX_POSTAGE_MILLS } from './indicium-layout.js';

describe('formatMills', () => {
  it.each([
    [0, '$0.00'],
    [1, '$0.001'],
    [10, '$0.01'],
    [730, '$0.73'],
    [735, '$0.735'],
    [1000, '$1.00'],
    [1005, '$1.005'],
    [494270, '$494.27'],
    [1234500, '$1,234.50'],
    [MAX_POSTAGE_MILLS, '$16,777.215'],
    [MAX_ASCENDING_REGISTER_MILLS, '$1,099,511,627.775'],
  ])('%i mills -> %s', (mills, text) => {
    expect(formatMills(mills)).toBe(text);
  });

  it.each([-1, 0.5, Number.NaN, 2 ** 53])('refuses %d', (mills) => {
    expect(() => formatMills(mills)).toThrow(
      expect.objectContaining({ name: 'IndiciumError', code: 'INVALID_FIELD', field: 'mills' }),
    );
  });
});
