import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { addressFromLines } from './address-from-lines.js';

function codeOf(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (error instanceof IndiciumError) return { code: error.code, field: error.field };
  }
  return { code: 'none', field: undefined };
}

describe('addressFromLines', () => {
  it('reads name, delivery lines and "CITY ST ZIP" (comma optional, ZIP+4 allowed)', () => {
    expect(addressFromLines(['Ada Lovelace', '12 Main St', 'Apt 3', 'Boston, MA 02139-1234'], 'to')).toEqual({
      name: 'Ada Lovelace',
      lines: ['12 Main St', 'Apt 3'],
      city: 'Boston',
      state: 'MA',
      zip: '02139-1234',
    });
    expect(addressFromLines(['A', 'B', 'New York NY 10001'], 'to')?.city).toBe('New York');
    expect(addressFromLines(null, 'to')).toBeUndefined();
  });

  it('refuses what does not fit, naming the field', () => {
    expect(codeOf(() => addressFromLines(['Ada', 'Boston MA 02139'], 'recipient'))).toEqual({
      code: 'INVALID_INPUT',
      field: 'recipient',
    });
    expect(codeOf(() => addressFromLines(['Ada', '12 Main', 'Boston Mass 02139'], 'recipient'))).toEqual({
      code: 'INVALID_INPUT',
      field: 'recipient',
    });
    expect(codeOf(() => addressFromLines(['Ada', 'a', 'b', 'c', 'd', 'Boston MA 02139'], 'sender'))).toEqual({
      code: 'INVALID_INPUT',
      field: 'sender.lines',
    });
    expect(codeOf(() => addressFromLines(['Ada\u0007', '12 Main', 'Boston MA 02139'], 'sender'))).toEqual({
      code: 'INVALID_INPUT',
      field: 'sender.name',
    });
  });
});
