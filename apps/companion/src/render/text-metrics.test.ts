import { describe, expect, it } from 'vitest';
import { fittedSize, textWidth } from './text-metrics.js';

describe('text metrics', () => {
  it('measures Helvetica by its Adobe metrics', () => {
    // Helvetica: every digit is 556/1000 em wide; bold is wider than regular.
    expect(textWidth('0123456789', 'regular', 10)).toBeCloseTo(55.6, 5);
    expect(textWidth('SAMPLE', 'bold', 10)).toBeGreaterThan(textWidth('SAMPLE', 'regular', 10));
  });

  it('keeps the size of a line that fits', () => {
    expect(fittedSize('12 Main St', 'regular', 12, 200)).toBe(12);
  });

  it('shrinks a line that does not fit until it does', () => {
    const size = fittedSize('W'.repeat(40), 'bold', 12, 200);
    expect(size).toBeLessThan(12);
    expect(textWidth('W'.repeat(40), 'bold', size)).toBeLessThanOrEqual(200);
    expect(textWidth('W'.repeat(40), 'bold', size + 0.1)).toBeGreaterThan(200);
  });
});
