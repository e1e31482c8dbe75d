import { describe, expect, it } from 'vitest';
import { decodeMailingDate, encodeMailingDate, MAX_MAILING_DATE, MIN_MAILING_DATE } from './mailing-date.js';

const refused = (code: string) =>
  expect.objectContaining({ name: 'IndiciumError', code, field: 'mailingDate' });

describe('encodeMailingDate / decodeMailingDate', () => {
  it.each([
    ['2026-11-26', 20261126],
    ['2028-02-29', 20280229],
    ['2000-02-29', 20000229],
    ['2026-12-31', 20261231],
    ['2026-04-30', 20260430],
    ['0001-01-01', MIN_MAILING_DATE],
    ['9999-12-31', MAX_MAILING_DATE],
  ])('%s <-> %i', (iso, n) => {
    expect(encodeMailingDate(iso)).toBe(n);
    expect(decodeMailingDate(n)).toBe(iso);
  });

  it.each([
    '2026-02-29',
    '2100-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-06-31',
    '2026-09-31',
    '2026-11-31',
    '2026-01-32',
    '2026-00-10',
    '2026-13-01',
    '2026-12-00',
    '0000-01-01',
    '2026-1-01',
    '26-11-26',
    '20261126',
    '2026/11/26',
    '2026-11-26T00:00:00Z',
    '+02026-11-26',
    '',
  ])('refuses %j from fields (INVALID_FIELD)', (iso) => {
    expect(() => encodeMailingDate(iso)).toThrow(refused('INVALID_FIELD'));
  });

  it.each([
    20260229,
    21000229,
    20260431,
    20261301,
    20260001,
    20261100,
    0,
    101,
    1231,
    MAX_MAILING_DATE + 1,
    2 ** 32 - 1,
    20261126.5,
    -20261126,
  ])('refuses %d from bytes (INDICIUM_MALFORMED)', (n) => {
    expect(() => decodeMailingDate(n)).toThrow(refused('INDICIUM_MALFORMED'));
  });

  it('agrees with the JavaScript calendar on every day of a leap and a common year', () => {
    for (const year of [2027, 2028]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
        const iso = new Date(t).toISOString().slice(0, 10);
        expect(decodeMailingDate(encodeMailingDate(iso))).toBe(iso);
      }
    }
  });

  it('reports the code it is given', () => {
    expect(() => encodeMailingDate('2026-02-30', 'INDICIUM_MALFORMED')).toThrow(
      refused('INDICIUM_MALFORMED'),
    );
    expect(() => decodeMailingDate(20260230, 'INVALID_FIELD')).toThrow(refused('INVALID_FIELD'));
  });
});
