import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attachIndiciumSignature } from './attach-indicium-signature.js';
import { encodeIndiciumSignedPart } from './encode-indicium-signed-part.js';
import type { IndiciumFields } from './indicium-fields.js';
import { parseIndicium } from './parse-indicium.js';

interface ValidVector {
  name: string;
  fields: IndiciumFields;
  signedPartHex: string;
  indiciumHex: string;
}
interface InvalidBytesVector {
  name: string;
  hex: string;
  field: string;
  code?: string;
}
interface InvalidFieldsVector {
  name: string;
  fields: Record<string, unknown>;
  code: string;
  field: string;
}
interface VectorFile {
  publicKeyPem: string;
  valid: ValidVector[];
  invalid?: InvalidBytesVector[];
  invalidBytes?: InvalidBytesVector[];
  invalidFields?: InvalidFieldsVector[];
}

const load = (name: string): VectorFile =>
  JSON.parse(readFileSync(new URL(`../../test-data/${name}`, import.meta.url), 'utf8')) as VectorFile;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** DESIGN §5 vectors shipped with DESIGN.md, copied unchanged, then our own edge cases. */
const FILES = ['indicium-v1.json', 'indicium-v1-extra.json'] as const;

describe.each(FILES)('%s', (file) => {
  const data = load(file);
  const key = createPublicKey(data.publicKeyPem);

  it('has vectors to replay', () => {
    expect(data.valid.length).toBeGreaterThan(0);
    expect((data.invalid ?? data.invalidBytes ?? []).length).toBeGreaterThan(0);
  });

  describe.each(data.valid)('valid: $name', (vector) => {
    it('encodes the fields to signedPartHex', () => {
      expect(hex(encodeIndiciumSignedPart(vector.fields))).toBe(vector.signedPartHex);
    });

    it('attaches the signature to give indiciumHex', () => {
      const signature = bytes(vector.indiciumHex.slice(100));
      expect(hex(attachIndiciumSignature(bytes(vector.signedPartHex), signature))).toBe(vector.indiciumHex);
    });

    it('parses back to the same fields, signed part and signature', () => {
      const parsed = parseIndicium(bytes(vector.indiciumHex));
      expect(parsed.fields).toStrictEqual(vector.fields);
      expect(hex(parsed.signedPart)).toBe(vector.signedPartHex);
      expect(hex(parsed.signature)).toBe(vector.indiciumHex.slice(100));
    });

    it('verifies with publicKeyPem over bytes 0-49, and not once one bit is flipped', () => {
      const { signedPart, signature } = parseIndicium(bytes(vector.indiciumHex));
      const options = { key, dsaEncoding: 'ieee-p1363' } as const;
      expect(verify('sha256', signedPart, options, signature)).toBe(true);
      const tampered = Uint8Array.from(signedPart);
      tampered[19] = (tampered[19] ?? 0) ^ 0x01; // postage high byte
      expect(verify('sha256', tampered, options, signature)).toBe(false);
    });
  });

  describe.each([...(data.invalid ?? []), ...(data.invalidBytes ?? [])])('invalid bytes: $name', (vector) => {
    it(`is refused with field ${vector.field}`, () => {
      expect(() => parseIndicium(bytes(vector.hex))).toThrow(
        expect.objectContaining({
          name: 'IndiciumError',
          code: vector.code ?? 'INDICIUM_MALFORMED',
          field: vector.field,
        }),
      );
    });
  });

  describe.each(data.invalidFields ?? [])('invalid fields: $name', (vector) => {
    it(`is refused with ${vector.code} and field ${vector.field}`, () => {
      expect(() => encodeIndiciumSignedPart(vector.fields as unknown as IndiciumFields)).toThrow(
        expect.objectContaining({ name: 'IndiciumError', code: vector.code, field: vector.field }),
      );
    });
  });
});

/**
 * Hand-written expectations for the generated extra file: the data must say what we meant, not
 * merely whatever the generator produced. Each entry gives a byte range of signedPartHex.
 */
describe('indicium-v1-extra.json says what it claims', () => {
  const data = load('indicium-v1-extra.json');
  const byName = new Map(data.valid.map((v) => [v.name, v]));
  const slice = (name: string, from: number, to: number): string => {
    const vector = byName.get(name);
    if (vector === undefined) throw new Error(`missing vector: ${name}`);
    return vector.signedPartHex.slice(from * 2, to * 2);
  };

  it.each([
    ['postage, sample', 48, 50, '0001'],
    ['postage, not sample', 48, 50, '0000'],
    ['correction, sample', 48, 50, '0101'],
    ['refund, not sample', 48, 50, '0200'],
    ['refund, not sample', 32, 36, '00000000'],
    ['maximum registers, postage and ids', 2, 22, 'ff'.repeat(20)],
    ['maximum registers, postage and ids', 30, 36, 'ff'.repeat(6)],
    ['maximum registers, postage and ids', 44, 48, 'ffffffff'],
    ['smallest values: serial 1, zeros elsewhere', 2, 22, `00000001${'00'.repeat(16)}`],
    ['ascending register above 2^32 (uint40 high byte)', 14, 19, '0100000102'],
    ['ZIP without +4 on both ends', 26, 30, '014662b0'],
    ['ZIP without +4 on both ends', 40, 44, '38549fb0'],
    ['destination not given (0 / null)', 40, 44, '00000000'],
    ['lowest and highest ZIP values', 26, 30, '00002710'],
    ['lowest and highest ZIP values', 40, 44, '3b9ac9ff'],
    ['leap day 2024-02-29', 22, 26, '0134d765'],
    ['leap day of a 400-year 2000-02-29', 22, 26, '01312de5'],
    ['first representable date 0001-01-01', 22, 26, '00002775'],
    ['last representable date 9999-12-31', 22, 26, '05f5bebf'],
    ['rate category of digits', 36, 40, '30313939'],
    ['rate category mixed A-Z0-9', 36, 40, '504d325a'],
  ])('%s: bytes %i-%i are %s', (name, from, to, expected) => {
    expect(slice(name, from, to)).toBe(expected);
  });

  it('covers each edge case the brief asks for', () => {
    const invalidNames = (data.invalidBytes ?? []).map((v) => v.name);
    expect(data.valid.map((v) => v.fields.kind).sort()).toEqual(
      expect.arrayContaining(['correction', 'postage', 'refund']),
    );
    expect(invalidNames).toContain('Feb 29 of a non-leap year (2026-02-29)');
    for (let bit = 1; bit < 8; bit++)
      expect(invalidNames).toContain(`reserved flag bit ${bit} without SAMPLE`);
    expect(invalidNames.filter((n) => n.startsWith('rate category')).length).toBeGreaterThanOrEqual(5);
    expect((data.invalidFields ?? []).every((v) => v.code === 'INVALID_FIELD')).toBe(true);
    expect((data.invalidBytes ?? []).every((v) => v.code === 'INDICIUM_MALFORMED')).toBe(true);
  });
});
