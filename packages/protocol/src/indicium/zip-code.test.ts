import { describe, expect, it } from 'vitest';
import { formatZip, MAX_ZIP_VALUE, MIN_ZIP_VALUE, parseZip } from './zip-code.js';

const refused = (code: string, field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code, field });

describe('parseZip', () => {
  it.each([
    ['10001-1234', 100011234],
    ['02139', 21390000],
    ['00501-0001', 5010001],
    ['00001', MIN_ZIP_VALUE],
    ['99999-9999', MAX_ZIP_VALUE],
  ])('%s -> %i', (text, value) => {
    expect(parseZip(text, 'originZip')).toBe(value);
  });

  it.each([
    ['00000', 'ZIP 00000 does not exist'],
    ['00000-1234', 'ZIP5 00000 even with a suffix'],
    ['12345-0000', 'a 0000 suffix would read back as no suffix'],
    ['1234', 'four digits'],
    ['123456', 'six digits'],
    ['12345-123', 'short suffix'],
    ['12345-12345', 'long suffix'],
    ['12345 1234', 'space instead of hyphen'],
    ['123451234', 'nine digits without hyphen'],
    [' 12345', 'leading space'],
    ['12345\n', 'trailing newline'],
    ['\u0661\u0662\u0663\u0664\u0665', 'Arabic-Indic digits'],
    ['', 'empty'],
  ])('refuses %j (%s), naming the field', (text) => {
    expect(() => parseZip(text, 'destinationZip')).toThrow(refused('INVALID_FIELD', 'destinationZip'));
  });

  it('refuses a non-string and reports the code it is given', () => {
    expect(() => parseZip(12345 as unknown as string, 'originZip', 'INDICIUM_MALFORMED')).toThrow(
      refused('INDICIUM_MALFORMED', 'originZip'),
    );
  });
});

describe('formatZip', () => {
  it.each([
    [100011234, '10001-1234'],
    [21390000, '02139'],
    [5010001, '00501-0001'],
    [MIN_ZIP_VALUE, '00001'],
    [MAX_ZIP_VALUE, '99999-9999'],
    [945070001, '94507-0001'],
  ])('%i -> %s', (value, text) => {
    expect(formatZip(value, 'originZip')).toBe(text);
    expect(parseZip(text, 'originZip')).toBe(value);
  });

  it.each([
    [0, 'zero (destination not given is null, not a ZIP)'],
    [9999, 'ZIP5 00000 with a suffix'],
    [MAX_ZIP_VALUE + 1, 'above 99999-9999'],
    [-1, 'negative'],
    [100011234.5, 'a fraction'],
  ])('refuses %d (%s) as INDICIUM_MALFORMED by default', (value) => {
    expect(() => formatZip(value, 'originZip')).toThrow(refused('INDICIUM_MALFORMED', 'originZip'));
  });

  it('reports the code it is given', () => {
    expect(() => formatZip(0, 'destinationZip', 'INVALID_FIELD')).toThrow(
      refused('INVALID_FIELD', 'destinationZip'),
    );
  });
});
