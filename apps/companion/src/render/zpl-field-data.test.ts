import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataMatrixZplField, zplHexBytes, zplText } from './zpl-field-data.js';
import { dataMatrixBytes, readZplFields } from './zpl-reader.fixture.js';

/** The bytes a printer would encode for a ^BX field written by dataMatrixZplField. */
function printerBytes(bytes: Uint8Array): Uint8Array {
  const { escapeChar, data } = dataMatrixZplField(bytes);
  const [field] = readZplFields(`^XA^FO0,0^BXN,5,200,44,44,,${escapeChar}^FH^FD${data}^FS^XZ`);
  if (field === undefined) throw new Error('no field');
  return dataMatrixBytes(field);
}

describe('ZPL field data', () => {
  it('hex-escapes every byte', () => {
    expect(zplHexBytes(Uint8Array.of(0x00, 0x5e, 0x7e, 0xff))).toBe('_00_5E_7E_FF');
  });

  it('round-trips any bytes through ^FH and the ^BX escape, using only printable ASCII', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
        const { escapeChar, data } = dataMatrixZplField(bytes);
        expect(data).toMatch(/^(_[0-9A-F]{2})*$/);
        expect(escapeChar).toMatch(/^[!-}]$/);
        expect(escapeChar).not.toMatch(/[\^~,_]/);
        expect(Buffer.from(printerBytes(bytes)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('chooses an escape character the data does not contain', () => {
    const bytes = new TextEncoder().encode('!!#$%');
    const { escapeChar, data } = dataMatrixZplField(bytes);
    expect(escapeChar).toBe('&');
    expect(data).toBe('_21_21_23_24_25');
  });

  it('doubles the escape when every candidate occurs in the data', () => {
    const every = new TextEncoder().encode('!#$%&*+-./:;<=>?@|`{}');
    const { escapeChar, data } = dataMatrixZplField(every);
    expect(escapeChar).toBe('!');
    expect(data.startsWith('_21_21_23')).toBe(true);
    expect(Buffer.from(printerBytes(every)).equals(Buffer.from(every))).toBe(true);
  });

  it('writes text in code page 1252 with ZPL’s special characters escaped', () => {
    expect(zplText('SAMPLE – NOT VALID POSTAGE')).toBe('SAMPLE _96 NOT VALID POSTAGE');
    expect(zplText('a^XZ~JR_\\')).toBe('a_5EXZ_7EJR_5F_5C');
    expect(zplText('Zoë')).toBe('Zo_EB');
    expect(zplText('東京\n')).toBe('???');
  });
});
