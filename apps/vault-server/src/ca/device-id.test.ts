import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { formatDeviceId, parseDeviceId } from './device-id.js';

describe('device id text (DESIGN §5)', () => {
  it('formats the DESIGN example', () => {
    expect(formatDeviceId({ vendor: 42, model: 1, serial: 1001 })).toBe('00042-00001-0000001001');
    expect(parseDeviceId('00042-00001-0000001001')).toEqual({ vendor: 42, model: 1, serial: 1001 });
  });

  it('round-trips every id the indicium fields can hold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (vendor, model, serial) => {
          const text = formatDeviceId({ vendor, model, serial });
          expect(text).toMatch(/^\d{5}-\d{5}-\d{10}$/);
          expect(parseDeviceId(text)).toEqual({ vendor, model, serial });
        },
      ),
    );
  });

  it('accepts the extremes of each field', () => {
    expect(parseDeviceId('65535-65535-4294967295')).toEqual({
      vendor: 65535,
      model: 65535,
      serial: 0xffff_ffff,
    });
    expect(parseDeviceId('00000-00000-0000000000')).toEqual({ vendor: 0, model: 0, serial: 0 });
  });

  it.each([
    ['too short vendor', '0042-00001-0000001001'],
    ['unpadded', '42-1-1001'],
    ['vendor over uint16', '65536-00001-0000001001'],
    ['model over uint16', '00042-99999-0000001001'],
    ['serial over uint32', '00042-00001-4294967296'],
    ['wrong separator', '00042_00001_0000001001'],
    ['trailing newline', '00042-00001-0000001001\n'],
    ['leading space', ' 00042-00001-0000001001'],
    ['non-ASCII digits', '٠٠٠٤٢-00001-0000001001'],
    ['empty', ''],
  ])('refuses %s with INVALID_FIELD naming the field', (_name, text) => {
    expectIndiciumError(() => parseDeviceId(text), { code: 'INVALID_FIELD', field: 'deviceId' });
    expectIndiciumError(() => parseDeviceId(text, 'subject'), { code: 'INVALID_FIELD', field: 'subject' });
  });

  it.each([
    { vendor: 65536, model: 0, serial: 0 },
    { vendor: 0, model: -1, serial: 0 },
    { vendor: 0, model: 0, serial: 0x1_0000_0000 },
    { vendor: 1.5, model: 0, serial: 0 },
    { vendor: Number.NaN, model: 0, serial: 0 },
  ])('refuses to format %o', (id) => {
    expectIndiciumError(() => formatDeviceId(id), { code: 'INVALID_FIELD', field: 'deviceId' });
  });
});
