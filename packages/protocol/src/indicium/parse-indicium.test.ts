import { describe, expect, it } from 'vitest';
import { parseIndicium } from './parse-indicium.js';

const refused = (field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code: 'INDICIUM_MALFORMED', field });
const INDICIUM_HEX =
  '010100001092002a0001000003e900000016620002da0135290605f60ce2000700078abe46434c5438549fb0000000010001' +
  'd67cce4badb039626e66315d4bd131daca9a7e6fd952fb0a549439073311c854a16a52c91ba98c17935cc7283e707b116d47467a3a7b187dfec8dbf95336549f';
const indicium = (): Uint8Array => new Uint8Array(Buffer.from(INDICIUM_HEX, 'hex'));

describe('parseIndicium', () => {
  it('splits signed part and signature and decodes the fields', () => {
    const parsed = parseIndicium(indicium());
    expect(Buffer.from(parsed.signedPart).toString('hex')).toBe(INDICIUM_HEX.slice(0, 100));
    expect(Buffer.from(parsed.signature).toString('hex')).toBe(INDICIUM_HEX.slice(100));
    expect(parsed.fields.certificateSerial).toBe(4242);
    expect(parsed.fields.rateCategory).toBe('FCLT');
  });

  it('accepts a Node Buffer', () => {
    expect(parseIndicium(Buffer.from(INDICIUM_HEX, 'hex')).fields.postageMills).toBe(730);
  });

  it('returns copies: changing the scanned buffer afterwards changes nothing parsed', () => {
    const bytes = indicium();
    const parsed = parseIndicium(bytes);
    bytes.fill(0xee);
    expect(Buffer.from(parsed.signedPart).toString('hex')).toBe(INDICIUM_HEX.slice(0, 100));
    expect(Buffer.from(parsed.signature).toString('hex')).toBe(INDICIUM_HEX.slice(100));
    expect(parsed.signedPart.buffer).not.toBe(bytes.buffer);
  });

  it.each([0, 50, 113, 115, 228])('refuses %i bytes', (length) => {
    const bytes = new Uint8Array(length);
    bytes.set(indicium().subarray(0, Math.min(length, 114)));
    expect(() => parseIndicium(bytes)).toThrow(refused('length'));
  });

  it('refuses a bad signed part before looking at the signature', () => {
    const bytes = indicium();
    bytes[0] = 2;
    bytes.fill(0, 50);
    expect(() => parseIndicium(bytes)).toThrow(refused('version'));
  });

  it('refuses a signature with r = 0', () => {
    const bytes = indicium();
    bytes.fill(0, 50, 82);
    expect(() => parseIndicium(bytes)).toThrow(refused('signature'));
  });
});
