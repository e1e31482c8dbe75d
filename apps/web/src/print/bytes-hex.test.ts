import { describe, expect, it } from 'vitest';
import { base64ToHex, localIsoDate } from './bytes-hex.js';

describe('base64ToHex', () => {
  it('matches Node for every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(base64ToHex(all.toString('base64'))).toBe(all.toString('hex'));
    expect(base64ToHex('')).toBe('');
  });
});

describe('localIsoDate', () => {
  it('pads month and day from the local calendar', () => {
    expect(localIsoDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(localIsoDate(new Date(2026, 11, 31, 0, 0))).toBe('2026-12-31');
  });
});
