import { describe, expect, it } from 'vitest';
import { formatDeviceId, parseDeviceId } from './device-id.js';

const refused = (code: string, field: string) =>
  expect.objectContaining({ name: 'IndiciumError', code, field });

describe('device id text (DESIGN §5)', () => {
  it.each([
    [{ vendorId: 42, psdModel: 1, psdSerial: 1001 }, '00042-00001-0000001001'],
    [{ vendorId: 0, psdModel: 0, psdSerial: 0 }, '00000-00000-0000000000'],
    [{ vendorId: 65535, psdModel: 65535, psdSerial: 4294967295 }, '65535-65535-4294967295'],
  ])('%j <-> %s', (id, text) => {
    expect(formatDeviceId(id)).toBe(text);
    expect(parseDeviceId(text)).toEqual(id);
  });

  it.each([
    [{ vendorId: 65536, psdModel: 1, psdSerial: 1 }, 'vendorId'],
    [{ vendorId: 1, psdModel: -1, psdSerial: 1 }, 'psdModel'],
    [{ vendorId: 1, psdModel: 1, psdSerial: 2 ** 32 }, 'psdSerial'],
    [{ vendorId: 1.5, psdModel: 1, psdSerial: 1 }, 'vendorId'],
  ])('formatDeviceId refuses %j naming %s', (id, field) => {
    expect(() => formatDeviceId(id)).toThrow(refused('INVALID_FIELD', field));
  });

  it.each([
    '42-1-1001',
    '00042-00001-1001',
    '000042-00001-0000001001',
    '00042-00001-0000001001 ',
    '00042_00001_0000001001',
    '00042-00001-00000010011',
    '',
  ])('parseDeviceId refuses the non-canonical text %j', (text) => {
    expect(() => parseDeviceId(text)).toThrow(refused('INVALID_FIELD', 'deviceId'));
  });

  it.each([
    ['65536-00001-0000001001', 'vendorId'],
    ['00042-99999-0000001001', 'psdModel'],
    ['00042-00001-4294967296', 'psdSerial'],
  ])('parseDeviceId refuses %s: %s out of range', (text, field) => {
    expect(() => parseDeviceId(text, 'INDICIUM_MALFORMED')).toThrow(refused('INDICIUM_MALFORMED', field));
  });
});
