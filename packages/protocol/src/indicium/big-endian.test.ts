import { describe, expect, it } from 'vitest';
import { readUintBE, writeUintBE } from './big-endian.js';

describe('big-endian uints', () => {
  it('writes the most significant byte first', () => {
    const out = new Uint8Array(6);
    writeUintBE(out, 1, 4, 0x01020304);
    expect([...out]).toEqual([0, 1, 2, 3, 4, 0]);
  });

  it('carries 40-bit values past the 32-bit limit of bitwise operators', () => {
    const out = new Uint8Array(5);
    writeUintBE(out, 0, 5, 2 ** 40 - 2);
    expect([...out]).toEqual([0xff, 0xff, 0xff, 0xff, 0xfe]);
    expect(readUintBE(out, 0, 5)).toBe(2 ** 40 - 2);
    writeUintBE(out, 0, 5, 2 ** 32 + 5);
    expect([...out]).toEqual([1, 0, 0, 0, 5]);
    expect(readUintBE(out, 0, 5)).toBe(2 ** 32 + 5);
  });

  it('refuses a value that does not fit instead of truncating it', () => {
    expect(() => writeUintBE(new Uint8Array(3), 0, 3, 2 ** 24)).toThrow(RangeError);
  });

  it('refuses to read past the end', () => {
    expect(() => readUintBE(new Uint8Array(3), 1, 3)).toThrow(RangeError);
  });
});
