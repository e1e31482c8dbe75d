import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndiciumError } from '../errors/indicium-error.js';
import { CanonicalTag, type CanonicalValue, decodeCanonical, encodeCanonical } from './canonical-encoding.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    if (error instanceof IndiciumError) return error;
    throw new Error(`expected an IndiciumError, got ${String(error)}`);
  }
  throw new Error('expected a refusal, but the call succeeded');
}

describe('encodeCanonical, checked against hex written by hand from the README grammar', () => {
  it('encodes a label, a uint and a text field', () => {
    // u16 label length 0x0013 (19) ‖ "indicium/example/v1" ‖ u16 count 2
    // ‖ 03 00000008 00000000000002da (uint 730) ‖ 02 00000004 46434c54 ("FCLT")
    const expected = [
      '0013',
      Buffer.from('indicium/example/v1', 'ascii').toString('hex'),
      '0002',
      '03',
      '00000008',
      '00000000000002da',
      '02',
      '00000004',
      '46434c54',
    ].join('');
    const bytes = encodeCanonical('indicium/example/v1', [
      { type: 'uint', value: 730 },
      { type: 'text', value: 'FCLT' },
    ]);
    expect(hex(bytes)).toBe(expected);
  });

  it('encodes bytes, bool, absent and a list of bytes', () => {
    // "a/v1" ‖ count 4 ‖ bytes 0xbeef ‖ bool true ‖ absent ‖ list [0x01, empty]
    // The list body is u32 count 2 ‖ (01 00000001 01) ‖ (01 00000000): 4 + 6 + 5 = 15 = 0x0f bytes.
    const expected =
      '0004' +
      '612f7631' +
      '0004' +
      '01' +
      '00000002' +
      'beef' +
      '04' +
      '00000001' +
      '01' +
      '00' +
      '00000000' +
      '05' +
      '0000000f' +
      '00000002' +
      '01' +
      '00000001' +
      '01' +
      '01' +
      '00000000';
    const bytes = encodeCanonical('a/v1', [
      { type: 'bytes', value: Uint8Array.of(0xbe, 0xef) },
      { type: 'bool', value: true },
      { type: 'absent' },
      {
        type: 'list',
        items: [
          { type: 'bytes', value: Uint8Array.of(1) },
          { type: 'bytes', value: new Uint8Array(0) },
        ],
      },
    ]);
    expect(hex(bytes)).toBe(expected);
  });

  it('writes uints as eight big-endian bytes, bigints included', () => {
    const body = (value: number | bigint) => hex(encodeCanonical('u', [{ type: 'uint', value }])).slice(20);
    expect(body(0)).toBe('0000000000000000');
    expect(body(Number.MAX_SAFE_INTEGER)).toBe('001fffffffffffff');
    expect(body((1n << 64n) - 1n)).toBe('ffffffffffffffff');
    expect(body(0x0102030405060708n)).toBe('0102030405060708');
  });

  it('uses the tag numbers the README lists', () => {
    expect(CanonicalTag).toEqual({ absent: 0, bytes: 1, text: 2, uint: 3, bool: 4, list: 5 });
    expect(Object.isFrozen(CanonicalTag)).toBe(true);
  });
});

const scalar: fc.Arbitrary<CanonicalValue> = fc.oneof(
  fc.constant({ type: 'absent' } as const),
  fc.uint8Array({ maxLength: 40 }).map((value) => ({ type: 'bytes', value }) as const),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => ({ type: 'text', value }) as const),
  fc.maxSafeNat().map((value) => ({ type: 'uint', value }) as const),
  fc
    .bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: (1n << 64n) - 1n })
    .map((value) => ({ type: 'uint', value }) as const),
  fc.boolean().map((value) => ({ type: 'bool', value }) as const),
);

const value: fc.Arbitrary<CanonicalValue> = fc.letrec<{ value: CanonicalValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => ({ type: 'list', items }) as const),
  ),
})).value;

const label = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);

describe('decodeCanonical(encodeCanonical(x)) = x', () => {
  it('holds for any label and any values, nested lists included', () => {
    fc.assert(
      fc.property(label, fc.array(value, { maxLength: 8 }), (l, values) => {
        const decoded = decodeCanonical(encodeCanonical(l, values));
        expect(decoded.label).toBe(l);
        expect(decoded.values).toEqual(values);
      }),
    );
  });

  it('is injective: different inputs never share an encoding', () => {
    fc.assert(
      fc.property(
        label,
        fc.array(value, { maxLength: 4 }),
        label,
        fc.array(value, { maxLength: 4 }),
        (l1, v1, l2, v2) => {
          const same = hex(encodeCanonical(l1, v1)) === hex(encodeCanonical(l2, v2));
          expect(same).toBe(l1 === l2 && JSON.stringify(v1, big) === JSON.stringify(v2, big));
        },
      ),
    );
  });

  it('refuses every strict prefix of a valid encoding (truncation)', () => {
    fc.assert(
      fc.property(label, fc.array(value, { minLength: 1, maxLength: 4 }), (l, values) => {
        const bytes = encodeCanonical(l, values);
        for (let cut = 0; cut < bytes.length; cut++) {
          expect(refusal(() => decodeCanonical(bytes.subarray(0, cut))).code).toBe('INVALID_FIELD');
        }
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a valid encoding with any byte appended', () => {
    fc.assert(
      fc.property(label, fc.array(value, { maxLength: 4 }), fc.integer({ min: 0, max: 255 }), (l, vs, b) => {
        const bytes = encodeCanonical(l, vs);
        const longer = Uint8Array.of(...bytes, b);
        expect(refusal(() => decodeCanonical(longer)).code).toBe('INVALID_FIELD');
      }),
    );
  });
});

function big(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return hex(v);
  return v;
}

describe('no ambiguity between fields, labels or types', () => {
  it('moving bytes from one field to the next changes the encoding', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        fc.uint8Array({ maxLength: 16 }),
        (a, b) => {
          const split = (x: Uint8Array, y: Uint8Array) =>
            hex(
              encodeCanonical('indicium/test/pair/v1', [
                { type: 'bytes', value: x },
                { type: 'bytes', value: y },
              ]),
            );
          // Same concatenation a‖b, split one byte later: a naive concatenation would not tell them apart.
          const joined = Uint8Array.of(...a, ...b);
          expect(split(a, b)).not.toBe(
            split(joined.subarray(0, a.length - 1), joined.subarray(a.length - 1)),
          );
        },
      ),
    );
  });

  it('moving characters between adjacent text fields changes the encoding', () => {
    const one = encodeCanonical('l/v1', [
      { type: 'text', value: 'ab' },
      { type: 'text', value: 'c' },
    ]);
    const two = encodeCanonical('l/v1', [
      { type: 'text', value: 'a' },
      { type: 'text', value: 'bc' },
    ]);
    expect(hex(one)).not.toBe(hex(two));
  });

  it('different labels give different encodings of the same values', () => {
    const values: CanonicalValue[] = [{ type: 'uint', value: 1 }];
    expect(hex(encodeCanonical('indicium/a/v1', values))).not.toBe(
      hex(encodeCanonical('indicium/a/v2', values)),
    );
    expect(hex(encodeCanonical('ab', [{ type: 'text', value: 'c' }]))).not.toBe(
      hex(encodeCanonical('a', [{ type: 'text', value: 'bc' }])),
    );
  });

  it('the same bytes as bytes and as text encode differently', () => {
    const asBytes = encodeCanonical('t', [{ type: 'bytes', value: Buffer.from('FCLT') }]);
    const asText = encodeCanonical('t', [{ type: 'text', value: 'FCLT' }]);
    expect(hex(asBytes)).not.toBe(hex(asText));
  });

  it('absent differs from empty bytes, empty text and an empty list', () => {
    const encodings = (
      [
        { type: 'absent' },
        { type: 'bytes', value: new Uint8Array(0) },
        { type: 'text', value: '' },
        { type: 'list', items: [] },
      ] as const
    ).map((v) => hex(encodeCanonical('t', [v])));
    expect(new Set(encodings).size).toBe(4);
  });

  it('a number and the equal bigint encode the same (one value, one encoding)', () => {
    expect(hex(encodeCanonical('t', [{ type: 'uint', value: 730 }]))).toBe(
      hex(encodeCanonical('t', [{ type: 'uint', value: 730n }])),
    );
  });
});

describe('refusals', () => {
  it('refuses a wrong JavaScript type smuggled past the type checker', () => {
    const cases = [
      { type: 'uint', value: '7' },
      { type: 'uint', value: true },
      { type: 'bytes', value: [1, 2] },
      { type: 'text', value: 7 },
      { type: 'bool', value: 1 },
      { type: 'float', value: 1.5 },
    ] as unknown as CanonicalValue[];
    for (const v of cases) expect(refusal(() => encodeCanonical('t', [v])).code).toBe('INVALID_FIELD');
  });

  it('refuses more than 65535 fields', () => {
    const values: CanonicalValue[] = Array.from({ length: 0x10000 }, () => ({ type: 'absent' }));
    const error = refusal(() => encodeCanonical('t', values));
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.field).toBe('label');
  });

  it('accepts a label of exactly 255 characters and refuses 256', () => {
    expect(decodeCanonical(encodeCanonical('a'.repeat(255), [])).label).toHaveLength(255);
    expect(refusal(() => encodeCanonical('a'.repeat(256), [])).field).toBe('label');
  });

  it('refuses flipped tag bytes', () => {
    const bytes = encodeCanonical('t', [{ type: 'bool', value: true }]);
    // Offset 5 is the tag: u16 label length (2) + label (1) + u16 count (2).
    for (const tag of [0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0xff]) {
      const tampered = Uint8Array.from(bytes);
      tampered[5] = tag;
      const decoded = (() => {
        try {
          return decodeCanonical(tampered);
        } catch (error) {
          return error;
        }
      })();
      // A one-byte body reads as bytes (0x01) or text (0x02): still valid, but a different value.
      if (tag === 0x01 || tag === 0x02) expect(decoded).not.toEqual(decodeCanonical(bytes));
      else expect((decoded as IndiciumError).code).toBe('INVALID_FIELD');
    }
  });

  it('names the field a layout passed, so callers can report it', () => {
    const error = refusal(() => encodeCanonical('t', [{ type: 'uint', value: -1 }], ['postageMills']));
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.field).toBe('postageMills');
  });
});
