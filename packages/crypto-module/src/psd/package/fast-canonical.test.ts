import {
  type CanonicalValue,
  CreateIndiciumRequestMac,
  canonicalLayout,
  decodeCanonical,
  IndiciumError,
  layoutBytesOf,
  toBase64,
} from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastEncode, fastLayoutBytes } from './fast-canonical.js';
import { readLayout } from './read-layout.js';

/** One layout with every field type, so every branch of the fast encoder meets the reference. */
const Every = canonicalLayout('indicium/test/every-type/v1', {
  b: 'bytes',
  t: 'text',
  u: 'uint',
  o: 'bool',
  bq: 'bytes?',
  tq: 'text?',
  uq: 'uint?',
  oq: 'bool?',
  bl: 'bytes[]',
  tl: 'text[]',
  ul: 'uint[]',
});

const uint = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(0));
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 40 });
const record = fc.record({
  b: bytes,
  t: text,
  u: uint,
  o: fc.boolean(),
  bq: fc.option(bytes),
  tq: fc.option(text),
  uq: fc.option(uint),
  oq: fc.option(fc.boolean()),
  bl: fc.array(bytes, { maxLength: 4 }),
  tl: fc.array(text, { maxLength: 4 }),
  ul: fc.array(uint, { maxLength: 4 }),
});

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof IndiciumError) return error.code;
    throw error;
  }
}

describe('fastEncode (DESIGN §4 canonical encoding)', () => {
  it('makes the same bytes as the protocol reference for every field type', () => {
    fc.assert(
      fc.property(record, (input) => {
        expect(Buffer.from(fastEncode(Every, input)).equals(Buffer.from(Every.encode(input)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what the reference refuses', () => {
    const base = { b: new Uint8Array(1), t: 'x', u: 1, o: true, bl: [], tl: [], ul: [] };
    const bad: Record<string, unknown>[] = [
      { ...base, u: -1 },
      { ...base, u: 1.5 },
      { ...base, u: '7' },
      { ...base, t: '\ud800' },
      { ...base, b: 'not bytes' },
      { ...base, o: 1 },
      { ...base, t: undefined },
      { ...base, bl: 'not a list' },
      { ...base, ul: [-1] },
    ];
    for (const input of bad) {
      expect(codeOf(() => Every.encode(input as never))).toBe('INVALID_FIELD');
      expect(codeOf(() => fastEncode(Every, input as never))).toBe('INVALID_FIELD');
    }
  });

  it('computes layoutBytesOf for a create-indicium request', () => {
    const message = {
      protocol: 1,
      meterId: '00042-00001-0000001001',
      userId: 'alice',
      clientChallenge: toBase64(new Uint8Array(32).fill(1)),
      moduleChallenge: toBase64(new Uint8Array(32).fill(2)),
      ascendingRegisterMills: 7,
      descendingRegisterMills: 9,
      transaction: {
        kind: 'postage',
        postageMills: 730,
        mailingDate: '2026-11-27',
        rateCategory: 'FCLT',
        originZip: '94107',
        destinationZip: null,
        pageOrigin: 'https://meter.example',
      },
      hmac: toBase64(new Uint8Array(32)),
    };
    expect(Buffer.from(fastLayoutBytes(CreateIndiciumRequestMac, message))).toEqual(
      Buffer.from(layoutBytesOf(CreateIndiciumRequestMac, message)),
    );
    // A name both in the message and in its transaction is refused by both.
    const ambiguous = { ...message, transaction: { ...message.transaction, meterId: message.meterId } };
    expect(() => layoutBytesOf(CreateIndiciumRequestMac, ambiguous)).toThrow();
    expect(() => fastLayoutBytes(CreateIndiciumRequestMac, ambiguous)).toThrowError(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'meterId' }),
    );
  });
});

/** The reference reading: the protocol's strict decoder, then every value of its layout type. */
function referenceReads(bytes: Uint8Array): boolean {
  let decoded: ReturnType<typeof decodeCanonical>;
  try {
    decoded = decodeCanonical(bytes);
  } catch {
    return false;
  }
  const types = Object.values(Every.fields) as string[];
  if (decoded.label !== Every.label || decoded.values.length !== types.length) return false;
  const scalarOk = (base: string, v: CanonicalValue) =>
    v.type === base && (v.type !== 'uint' || typeof v.value === 'number');
  return decoded.values.every((v, i) => {
    const type = types[i] as string;
    if (type.endsWith('?')) return v.type === 'absent' || scalarOk(type.slice(0, -1), v);
    if (type.endsWith('[]'))
      return v.type === 'list' && v.items.every((item) => scalarOk(type.slice(0, -2), item));
    return scalarOk(type, v);
  });
}

describe('readLayout', () => {
  it('reads back what was encoded', () => {
    fc.assert(
      fc.property(record, (input) => {
        const decoded = readLayout(Every, Every.encode(input), 'PACKAGE_INTEGRITY', 'x');
        const normal = (v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v);
        for (const [name, value] of Object.entries(input)) {
          const got = decoded[name as keyof typeof decoded];
          if (Array.isArray(value)) expect((got as unknown[]).map(normal)).toEqual(value.map(normal));
          else expect(normal(got)).toEqual(normal(value));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every single flipped byte the reference decoder or the layout would refuse', () => {
    const encoded = Every.encode({
      b: Uint8Array.of(1, 2),
      t: 'hé',
      u: 5,
      o: true,
      bq: null,
      tq: 'x',
      uq: null,
      oq: false,
      bl: [Uint8Array.of(9)],
      tl: ['a', 'b'],
      ul: [1, 2],
    });
    for (let i = 0; i < encoded.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = Uint8Array.from(encoded);
        bad[i] = (bad[i] as number) ^ bit;
        const reference = referenceReads(bad) ? 'read' : 'refused';
        const fast = codeOf(() => readLayout(Every, bad, 'PACKAGE_INTEGRITY', 'x'));
        expect(fast, `byte ${i}`).toBe(reference === 'refused' ? 'PACKAGE_INTEGRITY' : null);
      }
    }
  });

  it('refuses trailing bytes, truncation and another label', () => {
    const encoded = Every.encode({ b: new Uint8Array(0), t: '', u: 0, o: false, bl: [], tl: [], ul: [] });
    expect(
      codeOf(() => readLayout(Every, Buffer.concat([encoded, Buffer.of(0)]), 'PACKAGE_INTEGRITY', 'x')),
    ).toBe('PACKAGE_INTEGRITY');
    expect(
      codeOf(() => readLayout(Every, encoded.subarray(0, encoded.length - 1), 'CHECKPOINT_MISMATCH', 'x')),
    ).toBe('CHECKPOINT_MISMATCH');
    const Other = canonicalLayout('indicium/test/other-type/v1', Every.fields);
    expect(codeOf(() => readLayout(Other, encoded, 'PACKAGE_INTEGRITY', 'x'))).toBe('PACKAGE_INTEGRITY');
  });
});
