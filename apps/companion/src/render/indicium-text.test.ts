import { describe, expect, it } from 'vitest';
import { indiciumTextLines, SAMPLE_TEXT } from './indicium-text.js';
import { TEST_FIELDS } from './test-indicium.fixture.js';

const texts = (overrides = {}) =>
  indiciumTextLines({ ...TEST_FIELDS, ...overrides }).map((line) => line.text);

describe('indiciumTextLines', () => {
  it('leads with the SAMPLE warning while the flag is set (the default)', () => {
    expect(TEST_FIELDS.sample).toBe(true);
    expect(indiciumTextLines(TEST_FIELDS)[0]).toEqual({
      text: 'SAMPLE – NOT VALID POSTAGE',
      style: 'warning',
    });
    expect(SAMPLE_TEXT).toBe('SAMPLE – NOT VALID POSTAGE');
  });

  it('omits the warning only when the flag is clear', () => {
    expect(texts({ sample: false }).some((text) => text.includes('SAMPLE'))).toBe(false);
  });

  it('prints postage, date, origin ZIP, rate category and device id from the indicium', () => {
    expect(texts()).toEqual([
      SAMPLE_TEXT,
      '$0.73',
      'Mailed 2026-11-26',
      'From ZIP 10001-1234',
      'Rate FCLT',
      'ID 00042-00001-0000001001',
    ]);
  });

  it('shows fractional cents rather than rounding them away', () => {
    expect(texts({ postageMills: 735 })).toContain('$0.735');
  });

  it.each([
    ['correction', 'CORRECTION'],
    ['refund', 'REFUND'],
  ] as const)('names a %s', (kind, word) => {
    expect(indiciumTextLines({ ...TEST_FIELDS, kind })).toContainEqual({ text: word, style: 'kind' });
  });

  it('names no kind for plain postage', () => {
    expect(indiciumTextLines(TEST_FIELDS).some((line) => line.style === 'kind')).toBe(false);
  });
});
