import { describe, expect, it } from 'vitest';
import { checkRateCategory, readRateCategory, writeRateCategory } from './rate-category.js';

const refused = (code: string) =>
  expect.objectContaining({ name: 'IndiciumError', code, field: 'rateCategory' });

describe('rate category', () => {
  it('writes and reads 4 ASCII bytes', () => {
    const out = new Uint8Array(6);
    writeRateCategory(out, 1, checkRateCategory('PM2Z', 'INVALID_FIELD'));
    expect([...out]).toEqual([0, 0x50, 0x4d, 0x32, 0x5a, 0]);
    expect(readRateCategory(out, 1, 'INDICIUM_MALFORMED')).toBe('PM2Z');
  });

  it.each(['fclt', 'FCL', 'FCLTX', 'FC T', 'FC\tT', 'FCL\u0000', 'FCL\u007f', 'FCL\u00c9', 'FC-T', '', 1234])(
    'refuses %j',
    (value) => {
      expect(() => checkRateCategory(value, 'INVALID_FIELD')).toThrow(refused('INVALID_FIELD'));
    },
  );

  it.each([
    [[0x46, 0x43, 0x4c, 0x00]],
    [[0x46, 0x43, 0x4c, 0x1b]],
    [[0x46, 0x43, 0x4c, 0xc9]],
    [[0x61, 0x62, 0x63, 0x64]],
  ])('refuses the bytes %j', (bytes) => {
    expect(() => readRateCategory(Uint8Array.from(bytes), 0, 'INDICIUM_MALFORMED')).toThrow(
      refused('INDICIUM_MALFORMED'),
    );
  });

  it('accepts every A-Z and 0-9 character and nothing else in the ASCII range', () => {
    for (let c = 0; c < 256; c++) {
      const text = `FCL${String.fromCharCode(c)}`;
      const allowed = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
      if (allowed) expect(checkRateCategory(text, 'INVALID_FIELD')).toBe(text);
      else expect(() => checkRateCategory(text, 'INVALID_FIELD')).toThrow(refused('INVALID_FIELD'));
    }
  });
});
