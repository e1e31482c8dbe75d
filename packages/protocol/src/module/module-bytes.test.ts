import { describe, expect, it } from 'vitest';
import { base64Bytes, fromBase64, isCanonicalBase64, toBase64 } from './module-bytes.js';

describe('module bytes as canonical base64', () => {
  it('round-trips every length 0..40 and agrees with Node', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(text)).toEqual(bytes);
    }
  });

  it('accepts only the one canonical text of a value', () => {
    for (const bad of ['A', 'AB=', 'AB==x', 'AB\n==', 'QQ=a', 'QR==', 'Q Q==', '====']) {
      expect(isCanonicalBase64(bad)).toBe(false);
    }
    expect(() => fromBase64('QR==')).toThrowError(expect.objectContaining({ code: 'MALFORMED_REQUEST' }));
  });

  it('checks decoded sizes', () => {
    const exact = base64Bytes({ exact: 2 });
    expect(exact.safeParse('AAA=').success).toBe(true);
    expect(exact.safeParse('AAAA').success).toBe(false);
    expect(exact.safeParse('AA==').success).toBe(false);
    const ranged = base64Bytes({ min: 1, max: 3 });
    expect(ranged.safeParse('').success).toBe(false);
    expect(ranged.safeParse('AAAA').success).toBe(true);
    expect(ranged.safeParse('AAAAAA==').success).toBe(false);
  });
});
