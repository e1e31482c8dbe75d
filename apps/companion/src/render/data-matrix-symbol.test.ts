import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_MATRIX_MODULES, encodeDataMatrix } from './data-matrix-symbol.js';
import { makeTestIndicium } from './test-indicium.fixture.js';

describe('encodeDataMatrix', () => {
  it('draws a 44 × 44 ECC 200 symbol with its finder and timing patterns', () => {
    const { size, dark } = encodeDataMatrix(makeTestIndicium());
    expect(size).toBe(DATA_MATRIX_MODULES);
    expect(dark).toHaveLength(44);
    for (let i = 0; i < size; i++) {
      expect(dark[i]?.[0], `left finder, row ${i}`).toBe(true);
      expect(dark[size - 1]?.[i], `bottom finder, column ${i}`).toBe(true);
      expect(dark[0]?.[i], `top timing, column ${i}`).toBe(i % 2 === 0);
      expect(dark[i]?.[size - 1], `right timing, row ${i}`).toBe(i % 2 === 1);
    }
  });

  it('keeps one size even for bytes that would compress into a smaller symbol', () => {
    expect(encodeDataMatrix(new Uint8Array(114).fill(0x31)).size).toBe(44);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 114, maxLength: 114 }), (bytes) => {
        expect(encodeDataMatrix(bytes).size).toBe(44);
      }),
      { numRuns: 25 },
    );
  });

  it('changes the symbol when one indicium byte changes', () => {
    const bytes = makeTestIndicium();
    const before = encodeDataMatrix(bytes).dark;
    bytes[100] = (bytes[100] ?? 0) ^ 0x01;
    expect(encodeDataMatrix(bytes).dark).not.toEqual(before);
  });
});
