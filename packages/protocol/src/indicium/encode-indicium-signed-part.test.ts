import { describe, expect, it } from 'vitest';
import { encodeIndiciumSignedPart } from './encode-indicium-signed-part.js';
import type { IndiciumFields } from './indicium-fields.js';

const refused = (field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code: 'INVALID_FIELD', field });

const fields: IndiciumFields = {
  version: 1,
  algorithm: 1,
  certificateSerial: 4242,
  vendorId: 42,
  psdModel: 1,
  psdSerial: 1001,
  ascendingRegisterMills: 5730,
  postageMills: 730,
  mailingDate: '2026-11-26',
  originZip: '10001-1234',
  softwareId: 7,
  descendingRegisterMills: 494270,
  rateCategory: 'FCLT',
  destinationZip: '94507',
  pieceCount: 1,
  kind: 'postage',
  sample: true,
};

/** The first vector of indicium-v1.json, written out by field so a misplaced byte shows where. */
const EXPECTED = [
  '01', // version
  '01', // algorithm
  '00001092', // certificate serial 4242
  '002a', // vendor 42
  '0001', // model 1
  '000003e9', // serial 1001
  '0000001662', // AR 5730
  '0002da', // postage 730
  '01352906', // 20261126
  '05f60ce2', // 100011234
  '0007', // software 7
  '00078abe', // DR 494270
  '46434c54', // FCLT
  '38549fb0', // 945070000
  '00000001', // pieces 1
  '00', // postage
  '01', // SAMPLE
].join('');

function change(patch: Record<string, unknown>): IndiciumFields {
  return { ...fields, ...patch } as IndiciumFields;
}

describe('encodeIndiciumSignedPart', () => {
  it('lays the fields out as DESIGN §5 says', () => {
    const out = encodeIndiciumSignedPart(fields);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out).toString('hex')).toBe(EXPECTED);
  });

  it('does not modify its input', () => {
    const copy = structuredClone(fields);
    encodeIndiciumSignedPart(copy);
    expect(copy).toEqual(fields);
  });

  it('reads each field once, so a getter cannot pass the check with one value and encode another', () => {
    let reads = 0;
    const tricky = { ...fields };
    Object.defineProperty(tricky, 'postageMills', {
      enumerable: true,
      get: () => (reads++ === 0 ? 730 : 2 ** 30),
    });
    expect(Buffer.from(encodeIndiciumSignedPart(tricky)).toString('hex')).toBe(EXPECTED);
    expect(reads).toBe(1);
  });

  it.each([
    ['missing postage', { postageMills: undefined }, 'postageMills'],
    ['NaN postage', { postageMills: Number.NaN }, 'postageMills'],
    ['bigint postage', { postageMills: 730n }, 'postageMills'],
    ['Infinity AR', { ascendingRegisterMills: Number.POSITIVE_INFINITY }, 'ascendingRegisterMills'],
    ['AR beyond 2^53', { ascendingRegisterMills: 2 ** 53 + 2 }, 'ascendingRegisterMills'],
    ['negative DR', { descendingRegisterMills: -1 }, 'descendingRegisterMills'],
    ['software id 65536', { softwareId: 65536 }, 'softwareId'],
    ['PSD model 65536', { psdModel: 65536 }, 'psdModel'],
    ['certificate serial 2^32', { certificateSerial: 2 ** 32 }, 'certificateSerial'],
    ['version as text', { version: '1' }, 'version'],
    ['algorithm 0', { algorithm: 0 }, 'algorithm'],
    ['date as a Date object', { mailingDate: new Date('2026-11-26') }, 'mailingDate'],
    ['destination undefined (must be null or a ZIP)', { destinationZip: undefined }, 'destinationZip'],
    ['origin as a number', { originZip: 10001 }, 'originZip'],
    ['kind as its byte', { kind: 0 }, 'kind'],
    ['kind from the prototype', { kind: 'toString' }, 'kind'],
    ['sample as text', { sample: 'true' }, 'sample'],
    ['sample missing', { sample: undefined }, 'sample'],
    ['unknown extra field', { void: true }, 'void'],
  ])('refuses %s', (_name, patch, field) => {
    expect(() => encodeIndiciumSignedPart(change(patch))).toThrow(refused(field));
  });

  it.each([null, undefined, [], 'fields', 42])('refuses %j instead of an object', (input) => {
    expect(() => encodeIndiciumSignedPart(input as unknown as IndiciumFields)).toThrow(refused('fields'));
  });
});
