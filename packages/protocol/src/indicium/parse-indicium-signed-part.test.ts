import { describe, expect, it } from 'vitest';
import { parseIndiciumSignedPart } from './parse-indicium-signed-part.js';

const refused = (field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code: 'INDICIUM_MALFORMED', field });
const SIGNED_HEX =
  '010100001092002a0001000003e900000016620002da0135290605f60ce2000700078abe46434c5438549fb0000000010001';
const signed = (): Uint8Array => new Uint8Array(Buffer.from(SIGNED_HEX, 'hex'));

describe('parseIndiciumSignedPart', () => {
  it('decodes every field', () => {
    expect(parseIndiciumSignedPart(signed())).toEqual({
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
    });
  });

  it('reads a view at an offset inside a larger buffer', () => {
    const big = new Uint8Array(60);
    big.set(signed(), 7);
    expect(parseIndiciumSignedPart(big.subarray(7, 57)).postageMills).toBe(730);
  });

  it('reads SAMPLE clear as sample false', () => {
    const bytes = signed();
    bytes[49] = 0;
    expect(parseIndiciumSignedPart(bytes).sample).toBe(false);
  });

  it('reads destination 0 as null', () => {
    const bytes = signed();
    bytes.fill(0, 40, 44);
    expect(parseIndiciumSignedPart(bytes).destinationZip).toBeNull();
  });

  it.each([0, 49, 51, 114])('refuses %i bytes as a wrong length', (length) => {
    expect(() => parseIndiciumSignedPart(new Uint8Array(length))).toThrow(refused('length'));
  });

  it.each([[SIGNED_HEX], [[1, 1]], [null]])('refuses %j, which is not bytes', (input) => {
    expect(() => parseIndiciumSignedPart(input as unknown as Uint8Array)).toThrow(refused('length'));
  });

  it('reports the first bad field in byte order', () => {
    const bytes = signed();
    bytes[48] = 9; // kind
    bytes.fill(0, 22, 26); // mailing date, earlier
    expect(() => parseIndiciumSignedPart(bytes)).toThrow(refused('mailingDate'));
  });
});
