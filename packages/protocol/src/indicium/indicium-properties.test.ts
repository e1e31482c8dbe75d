import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachIndiciumSignature } from './attach-indicium-signature.js';
import { encodeIndiciumSignedPart } from './encode-indicium-signed-part.js';
import { INDICIUM_KINDS, type IndiciumFields } from './indicium-fields.js';
import { INDICIUM_LAYOUT, INDICIUM_SIGNED_LENGTH, type IndiciumSlotName } from './indicium-layout.js';
import { INDICIUM_UINT_RANGES, type IndiciumUintField } from './indicium-uint-ranges.js';
import { parseIndicium } from './parse-indicium.js';
import { parseIndiciumSignedPart } from './parse-indicium-signed-part.js';

/** A real signature from indicium-v1.json: the codec checks its shape only, never what it signs. */
const SIGNATURE = new Uint8Array(
  Buffer.from(
    'd67cce4badb039626e66315d4bd131daca9a7e6fd952fb0a549439073311c854a16a52c91ba98c17935cc7283e707b116d47467a3a7b187dfec8dbf95336549f',
    'hex',
  ),
);
const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

const uint = (name: IndiciumUintField): fc.Arbitrary<number> => {
  const [min, max] = INDICIUM_UINT_RANGES[name];
  return fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
};
const zip = fc
  .tuple(fc.integer({ min: 1, max: 99999 }), fc.option(fc.integer({ min: 1, max: 9999 }), { nil: undefined }))
  .map(([zip5, plus4]) => {
    const five = String(zip5).padStart(5, '0');
    return plus4 === undefined ? five : `${five}-${String(plus4).padStart(4, '0')}`;
  });
// The JavaScript calendar is an independent judge of which dates are real.
const isoDate = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** One arbitrary per field that may vary (version and algorithm are fixed in v1). */
const FIELD_ARBITRARIES = {
  certificateSerial: uint('certificateSerial'),
  vendorId: uint('vendorId'),
  psdModel: uint('psdModel'),
  psdSerial: uint('psdSerial'),
  ascendingRegisterMills: uint('ascendingRegisterMills'),
  postageMills: uint('postageMills'),
  mailingDate: isoDate,
  originZip: zip,
  softwareId: uint('softwareId'),
  descendingRegisterMills: uint('descendingRegisterMills'),
  rateCategory: fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 4, maxLength: 4 }),
  destinationZip: fc.option(zip, { nil: null }),
  pieceCount: uint('pieceCount'),
  kind: fc.constantFrom(...INDICIUM_KINDS),
  sample: fc.boolean(),
} satisfies {
  [K in Exclude<keyof IndiciumFields, 'version' | 'algorithm'>]: fc.Arbitrary<IndiciumFields[K]>;
};

type VariableField = keyof typeof FIELD_ARBITRARIES;
const VARIABLE_FIELDS = Object.keys(FIELD_ARBITRARIES) as VariableField[];

const validFields: fc.Arbitrary<IndiciumFields> = fc
  .record(FIELD_ARBITRARIES)
  .map((rest) => ({ version: 1, algorithm: 1, ...rest }));

/** The slot that carries a field: `sample` lives in the flags byte. */
const slotOf = (field: VariableField): IndiciumSlotName => (field === 'sample' ? 'flags' : field);

const malformed = (field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code: 'INDICIUM_MALFORMED', field });

describe('indicium codec properties', () => {
  it('parse(build(x)) = x, for the signed part and the whole indicium', () => {
    fc.assert(
      fc.property(validFields, (fields) => {
        const signedPart = encodeIndiciumSignedPart(fields);
        expect(signedPart).toHaveLength(INDICIUM_SIGNED_LENGTH);
        expect(parseIndiciumSignedPart(signedPart)).toStrictEqual(fields);
        expect(parseIndicium(attachIndiciumSignature(signedPart, SIGNATURE)).fields).toStrictEqual(fields);
      }),
      { numRuns: 300 },
    );
  });

  it('changing one field changes bytes in that field’s slot only, and integers are big-endian there', () => {
    const change = fc.constantFrom(...VARIABLE_FIELDS).chain((field) =>
      fc.record({
        field: fc.constant(field),
        base: validFields,
        value: FIELD_ARBITRARIES[field] as fc.Arbitrary<unknown>,
      }),
    );
    fc.assert(
      fc.property(change, ({ field, base, value }) => {
        fc.pre(value !== base[field]);
        const before = encodeIndiciumSignedPart(base);
        const after = encodeIndiciumSignedPart({ ...base, [field]: value } as IndiciumFields);
        const { offset, size } = INDICIUM_LAYOUT[slotOf(field)];
        const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
        expect(changed.length).toBeGreaterThan(0);
        for (const i of changed) {
          expect(i).toBeGreaterThanOrEqual(offset);
          expect(i).toBeLessThan(offset + size);
        }
        if (Object.hasOwn(INDICIUM_UINT_RANGES, field)) {
          const slot = after.subarray(offset, offset + size);
          expect(BigInt(`0x${Buffer.from(slot).toString('hex')}`)).toBe(BigInt(value as number));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses any reserved flag bit, with or without SAMPLE', () => {
    const reserved = fc.integer({ min: 1, max: 0x7f }).map((m) => m << 1);
    fc.assert(
      fc.property(validFields, reserved, (fields, mask) => {
        const signedPart = encodeIndiciumSignedPart(fields);
        signedPart[49] = (signedPart[49] ?? 0) | mask;
        expect(() => parseIndiciumSignedPart(signedPart)).toThrow(malformed('flags'));
        const indicium = new Uint8Array(114);
        indicium.set(signedPart);
        indicium.set(SIGNATURE, 50);
        expect(() => parseIndicium(indicium)).toThrow(malformed('flags'));
      }),
      { numRuns: 300 },
    );
  });

  it('one meaning per byte string: a bit flip is refused or parses to other fields that re-encode to it', () => {
    const position = fc.integer({ min: 0, max: INDICIUM_SIGNED_LENGTH * 8 - 1 });
    fc.assert(
      fc.property(validFields, position, (fields, bit) => {
        const bytes = encodeIndiciumSignedPart(fields);
        const index = bit >> 3;
        bytes[index] = (bytes[index] ?? 0) ^ (1 << (bit & 7));
        let parsed: IndiciumFields;
        try {
          parsed = parseIndiciumSignedPart(bytes);
        } catch (error) {
          expect(error).toMatchObject({ name: 'IndiciumError', code: 'INDICIUM_MALFORMED' });
          return;
        }
        expect(parsed).not.toStrictEqual(fields);
        expect([...encodeIndiciumSignedPart(parsed)]).toEqual([...bytes]);
      }),
      { numRuns: 500 },
    );
  });
});
