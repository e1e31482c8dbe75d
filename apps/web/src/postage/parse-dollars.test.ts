import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { parseDollars } from './parse-dollars.js';

describe('parseDollars (DESIGN §4: integer mills)', () => {
  it('reads whole dollars, cents, mills, a $ sign and thousands separators', () => {
    expect(parseDollars('25', 'amount')).toBe(25_000);
    expect(parseDollars(' 12.5 ', 'amount')).toBe(12_500);
    expect(parseDollars('$0.735', 'amount')).toBe(735);
    expect(parseDollars('1,000.00', 'amount')).toBe(1_000_000);
  });

  it('refuses zero, negatives, more than three decimals and text, naming the field', () => {
    for (const text of ['0', '0.000', '-5', '1.2345', 'ten', '', '1e3']) {
      let caught: unknown;
      try {
        parseDollars(text, 'amount');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(IndiciumError);
      expect(caught).toMatchObject({ code: 'INVALID_INPUT', field: 'amount' });
    }
  });
});
