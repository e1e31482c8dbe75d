import { describe, expect, it } from 'vitest';
import { IndiciumError } from '../errors/indicium-error.js';
import { decodeCanonical, encodeCanonical } from './canonical-encoding.js';
import { canonicalLayout } from './canonical-layout.js';

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    if (error instanceof IndiciumError) return error;
    throw new Error(`expected an IndiciumError, got ${String(error)}`);
  }
  throw new Error('expected a refusal, but the call succeeded');
}

const Example = canonicalLayout('indicium/test/layout/v1', {
  meterId: 'text',
  challenge: 'bytes',
  postageMills: 'uint',
  sample: 'bool',
  destinationZip: 'text?',
  tags: 'text[]',
});

const input = {
  meterId: '00042-00001-0000001001',
  challenge: Uint8Array.of(9, 9),
  postageMills: 730,
  sample: true,
  destinationZip: '94507',
  tags: ['a', 'b'],
};

describe('canonicalLayout', () => {
  it('encodes the fields in declaration order, whatever the order of the input object', () => {
    const reordered = {
      tags: ['a', 'b'],
      destinationZip: '94507',
      sample: true,
      postageMills: 730,
      challenge: Uint8Array.of(9, 9),
      meterId: '00042-00001-0000001001',
    };
    const expected = encodeCanonical('indicium/test/layout/v1', [
      { type: 'text', value: '00042-00001-0000001001' },
      { type: 'bytes', value: Uint8Array.of(9, 9) },
      { type: 'uint', value: 730 },
      { type: 'bool', value: true },
      { type: 'text', value: '94507' },
      {
        type: 'list',
        items: [
          { type: 'text', value: 'a' },
          { type: 'text', value: 'b' },
        ],
      },
    ]);
    expect(Example.encode(input)).toEqual(expected);
    expect(Example.encode(reordered)).toEqual(expected);
  });

  it('encodes an optional field given as null or left out as absent', () => {
    const withNull = decodeCanonical(Example.encode({ ...input, destinationZip: null }));
    const { destinationZip: _drop, ...rest } = input;
    const omitted = decodeCanonical(Example.encode(rest));
    expect(withNull.values[4]).toEqual({ type: 'absent' });
    expect(omitted).toEqual(withNull);
  });

  it('ignores properties the layout does not name (they are not authenticated)', () => {
    expect(Example.encode({ ...input, extra: 'x' } as typeof input)).toEqual(Example.encode(input));
  });

  it('refuses a missing required field and names it', () => {
    const { meterId: _drop, ...rest } = input;
    const error = refusal(() => Example.encode(rest as typeof input));
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.field).toBe('meterId');
  });

  it('refuses a wrong type and names the field', () => {
    const cases: [string, unknown][] = [
      ['postageMills', '730'],
      ['postageMills', -1],
      ['sample', 'true'],
      ['challenge', 'beef'],
      ['meterId', 42],
      ['tags', 'a'],
      ['tags', ['a', null]],
      ['destinationZip', 94507],
    ];
    for (const [field, value] of cases) {
      const error = refusal(() => Example.encode({ ...input, [field]: value } as typeof input));
      expect(error.code).toBe('INVALID_FIELD');
      expect(error.field).toBe(field);
    }
  });

  it('exposes its label and a frozen copy of its fields', () => {
    expect(Example.label).toBe('indicium/test/layout/v1');
    expect(Object.keys(Example.fields)).toEqual([
      'meterId',
      'challenge',
      'postageMills',
      'sample',
      'destinationZip',
      'tags',
    ]);
    expect(Object.isFrozen(Example.fields)).toBe(true);
    expect(Object.isFrozen(Example)).toBe(true);
  });

  it('refuses a bad label when the layout is declared, not at first use', () => {
    expect(refusal(() => canonicalLayout('bad label', { a: 'text' })).field).toBe('label');
    expect(refusal(() => canonicalLayout('', { a: 'text' })).code).toBe('INVALID_FIELD');
  });

  it('refuses integer-like field names, whose order JavaScript would change', () => {
    expect(() => canonicalLayout('indicium/test/ints/v1', { b: 'text', '1': 'text' })).toThrow(
      /integer-like/,
    );
  });

  it('two layouts with the same fields but different labels never share bytes', () => {
    const Other = canonicalLayout('indicium/test/layout/v2', Example.fields);
    expect(Other.encode(input)).not.toEqual(Example.encode(input));
  });
});

describe('README worked example', () => {
  it('encodes to the hex the README shows', () => {
    const Example = canonicalLayout('indicium/example/v1', {
      postageMills: 'uint',
      rateCategory: 'text',
      destinationZip: 'text?',
    });
    const hex = Buffer.from(
      Example.encode({ postageMills: 730, rateCategory: 'FCLT', destinationZip: null }),
    ).toString('hex');
    expect(hex).toBe(
      [
        '0013',
        '696e64696369756d2f6578616d706c652f7631',
        '0003',
        '03',
        '00000008',
        '00000000000002da',
        '02',
        '00000004',
        '46434c54',
        '00',
        '00000000',
      ].join(''),
    );
  });
});
