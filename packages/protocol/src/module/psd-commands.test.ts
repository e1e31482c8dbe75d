import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalBase64, toBase64 } from './module-bytes.js';
import {
  CheckpointRecordBytesSchema,
  isCanonicalBase64Text,
  isCanonicalBase64TextByPattern,
  PsdPackageBytesSchema,
} from './psd-commands.js';

describe('isCanonicalBase64Text', () => {
  it('agrees with isCanonicalBase64 on the base64 of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = toBase64(bytes);
        expect(isCanonicalBase64Text(text)).toBe(true);
        expect(isCanonicalBase64TextByPattern(text)).toBe(true);
        expect(isCanonicalBase64(text)).toBe(true);
      }),
    );
  });

  it('agrees with isCanonicalBase64 on any short text of base64 characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=\n ]{0,12}$/), (text) => {
        expect(isCanonicalBase64Text(text)).toBe(isCanonicalBase64(text));
        expect(isCanonicalBase64TextByPattern(text)).toBe(isCanonicalBase64(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('the native and the pattern check agree on any text (url-safe, non-ASCII, padding anywhere)', () => {
    const symbol = fc.constantFrom(...'AQgwBz09+/-_=é\n'.split(''), '\u{1F600}', '\ud800');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: symbol, maxLength: 16 }), fc.string({ maxLength: 16 })),
        (text) => {
          expect(isCanonicalBase64Text(text)).toBe(isCanonicalBase64TextByPattern(text));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    'QQ==',
    'QR==',
    'QUE=',
    'QUF=',
    'QUFB',
    'QQ=',
    'Q===',
    '=QQ=',
    'QQ==QQ==',
    ' QUFB',
    'QU-B',
    'QU_B',
    '',
  ])('%s as isCanonicalBase64 says', (text) => {
    expect(isCanonicalBase64Text(text)).toBe(isCanonicalBase64(text));
    expect(isCanonicalBase64TextByPattern(text)).toBe(isCanonicalBase64(text));
  });

  it('bounds packages and checkpoint records by their decoded size', () => {
    expect(PsdPackageBytesSchema.safeParse(toBase64(new Uint8Array(64))).success).toBe(true);
    expect(PsdPackageBytesSchema.safeParse(toBase64(new Uint8Array(63))).success).toBe(false);
    expect(PsdPackageBytesSchema.safeParse(toBase64(new Uint8Array(1 << 16))).success).toBe(true);
    expect(PsdPackageBytesSchema.safeParse(toBase64(new Uint8Array((1 << 16) + 1))).success).toBe(false);
    expect(CheckpointRecordBytesSchema.safeParse(toBase64(new Uint8Array(1025))).success).toBe(false);
    expect(CheckpointRecordBytesSchema.safeParse('QUF=').success).toBe(false);
  });
});
