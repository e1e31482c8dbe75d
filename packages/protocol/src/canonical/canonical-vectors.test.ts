import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IndiciumError } from '../errors/indicium-error.js';
import { type CanonicalValue, decodeCanonical, encodeCanonical } from './canonical-encoding.js';

/**
 * Replays test-data/canonical-v1.json. Its valid hex was produced by an independent encoder written
 * from the README spec, so these tests check the implementation against the spec, not against itself.
 */

type JsonValue =
  | { type: 'absent' }
  | { type: 'bytes'; hex: string }
  | { type: 'text'; value: string }
  | { type: 'uint'; value?: number; bigint?: string }
  | { type: 'bool'; value: boolean }
  | { type: 'list'; items: JsonValue[] };

interface Vectors {
  valid: { name: string; label: string; values: JsonValue[]; hex: string }[];
  invalidDecode: { name: string; hex: string; code: string; field?: string }[];
  invalidEncode: { name: string; label: string; values: JsonValue[]; code: string; field?: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../test-data/canonical-v1.json', import.meta.url), 'utf8'),
) as Vectors;

function fromJson(v: JsonValue): CanonicalValue {
  switch (v.type) {
    case 'absent':
      return { type: 'absent' };
    case 'bytes':
      return { type: 'bytes', value: Uint8Array.from(Buffer.from(v.hex, 'hex')) };
    case 'text':
      return { type: 'text', value: v.value };
    case 'uint':
      return { type: 'uint', value: v.bigint === undefined ? (v.value as number) : BigInt(v.bigint) };
    case 'bool':
      return { type: 'bool', value: v.value };
    case 'list':
      return { type: 'list', items: v.items.map(fromJson) };
  }
}

/** What a decoder returns: uints above 2^53-1 as bigint, all others as number. */
function normalise(v: CanonicalValue): CanonicalValue {
  if (v.type === 'uint') {
    const big = BigInt(v.value);
    return { type: 'uint', value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big };
  }
  if (v.type === 'list') return { type: 'list', items: v.items.map(normalise) };
  return v;
}

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

describe('canonical-v1.json vectors', () => {
  it('holds every kind of vector the spec calls for', () => {
    expect(vectors.valid.length).toBeGreaterThanOrEqual(8);
    expect(vectors.invalidDecode.length).toBeGreaterThanOrEqual(10);
    expect(vectors.invalidEncode.length).toBeGreaterThanOrEqual(8);
    const tags = new Set<string>();
    const walk = (v: JsonValue): void => {
      tags.add(v.type);
      if (v.type === 'list') v.items.forEach(walk);
    };
    for (const vector of vectors.valid) vector.values.forEach(walk);
    expect([...tags].sort()).toEqual(['absent', 'bool', 'bytes', 'list', 'text', 'uint']);
  });

  describe.each(vectors.valid)('valid: $name', (vector) => {
    const values = vector.values.map(fromJson);

    it('encodes to the expected hex', () => {
      expect(hex(encodeCanonical(vector.label, values))).toBe(vector.hex);
    });

    it('decodes back to the same label and values', () => {
      const decoded = decodeCanonical(Uint8Array.from(Buffer.from(vector.hex, 'hex')));
      expect(decoded.label).toBe(vector.label);
      expect(decoded.values).toEqual(values.map(normalise));
    });
  });

  describe.each(vectors.invalidDecode)('invalid decode: $name', (vector) => {
    it(`is refused with ${vector.code}`, () => {
      const error = refusal(() => decodeCanonical(Uint8Array.from(Buffer.from(vector.hex, 'hex'))));
      expect(error.code).toBe(vector.code);
      expect(error.field).toBe(vector.field);
    });
  });

  describe.each(vectors.invalidEncode)('invalid encode: $name', (vector) => {
    it(`is refused with ${vector.code}`, () => {
      const error = refusal(() => encodeCanonical(vector.label, vector.values.map(fromJson)));
      expect(error.code).toBe(vector.code);
      expect(error.field).toBe(vector.field);
    });
  });
});
