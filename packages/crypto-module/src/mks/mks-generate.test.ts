import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateMks, MKS_KEY_LENGTH, mksSecret, storedMksFromKeys } from './mks-generate.js';
import { KEY_CHECK_LENGTH, keyCheckMatches, keyCheckValue } from './mks-key-check.js';

describe('generateMks (DESIGN §3.4)', () => {
  it('makes a 32-byte MEK and MAK, a version, a KCV, and marks it exportable', () => {
    const mks = generateMks(1, 1234);
    const mek = Buffer.from(mks.mek, 'base64');
    const mak = Buffer.from(mks.mak, 'base64');
    expect(mek.length).toBe(MKS_KEY_LENGTH);
    expect(mak.length).toBe(MKS_KEY_LENGTH);
    expect(mek.equals(mak)).toBe(false);
    expect(mks).toMatchObject({ version: 1, exportable: true, createdAt: 1234 });
    expect(Buffer.from(mks.kcv, 'base64')).toEqual(keyCheckValue(mek, mak, 1));
  });

  it('never repeats keys', () => {
    const a = generateMks(1, 0);
    const b = generateMks(1, 0);
    expect(a.mek).not.toBe(b.mek);
    expect(a.mak).not.toBe(b.mak);
  });

  it('stays plain JSON-safe data for the NVM', () => {
    const mks = generateMks(3, 9);
    expect(JSON.parse(JSON.stringify(mks))).toEqual(mks);
    expect(structuredClone(mks)).toEqual(mks);
  });

  it('splits into MEK ‖ MAK for sharing', () => {
    const mks = generateMks(1, 0);
    expect(mksSecret(mks)).toEqual(
      Buffer.concat([Buffer.from(mks.mek, 'base64'), Buffer.from(mks.mak, 'base64')]),
    );
  });

  it('refuses keys of the wrong length and a version below 1', () => {
    expect(() => storedMksFromKeys(randomBytes(31), randomBytes(32), 1, true, 0)).toThrow(RangeError);
    expect(() => storedMksFromKeys(randomBytes(32), randomBytes(33), 1, true, 0)).toThrow(RangeError);
    expect(() => storedMksFromKeys(randomBytes(32), randomBytes(32), 0, true, 0)).toThrow(RangeError);
  });
});

describe('keyCheckValue', () => {
  const mek = randomBytes(32);
  const mak = randomBytes(32);

  it('is 16 bytes and matches only the same keys and version', () => {
    const kcv = keyCheckValue(mek, mak, 1);
    expect(kcv.length).toBe(KEY_CHECK_LENGTH);
    expect(keyCheckMatches(mek, mak, 1, kcv)).toBe(true);
    expect(keyCheckMatches(mek, mak, 2, kcv)).toBe(false);
    expect(keyCheckMatches(randomBytes(32), mak, 1, kcv)).toBe(false);
    expect(keyCheckMatches(mek, randomBytes(32), 1, kcv)).toBe(false);
    expect(keyCheckMatches(mak, mek, 1, kcv)).toBe(false);
    expect(keyCheckMatches(mek, mak, 1, kcv.subarray(0, 15))).toBe(false);
  });

  it('gives each key its own half, so a restored MEK with a wrong MAK still fails', () => {
    const kcv = keyCheckValue(mek, mak, 1);
    const other = keyCheckValue(mek, randomBytes(32), 1);
    expect(other.subarray(0, 8)).toEqual(kcv.subarray(0, 8));
    expect(other.subarray(8)).not.toEqual(kcv.subarray(8));
  });

  it('is a known answer for fixed keys (HMAC-SHA-256 over the canonical label)', () => {
    const zero = Buffer.alloc(32, 0);
    const one = Buffer.alloc(32, 1);
    // Recomputed independently: HMAC-SHA-256(key, canonical('indicium/mks/key-check/v1', text, uint)).
    const label = Buffer.from('indicium/mks/key-check/v1');
    const encode = (name: string, version: number) =>
      Buffer.concat([
        Buffer.of(0, label.length),
        label,
        Buffer.of(0, 2),
        Buffer.of(0x02, 0, 0, 0, name.length),
        Buffer.from(name),
        Buffer.of(0x03, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, version),
      ]);
    const expected = Buffer.concat([
      createHmac('sha256', zero).update(encode('mek', 5)).digest().subarray(0, 8),
      createHmac('sha256', one).update(encode('mak', 5)).digest().subarray(0, 8),
    ]);
    expect(keyCheckValue(zero, one, 5)).toEqual(expected);
  });
});
