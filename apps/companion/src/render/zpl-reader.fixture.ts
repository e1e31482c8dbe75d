/**
 * A small ZPL reader for tests, written from the ZPL II manual and independent of the writer: it
 * splits a label into commands, applies ^FH hex escapes as a printer does, and for ^BX at quality
 * 200 then applies the escape character of parameter g (a doubled escape is one literal byte).
 */
export interface ZplField {
  /** The commands of the field before ^FD, e.g. ['FO505,81', 'BXN,5,200,44,44,,!', 'FH']. */
  readonly commands: readonly string[];
  /** Field data as the printer's bytes after ^FH decoding. */
  readonly data: Uint8Array;
}

function hexDecode(text: string, indicator: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === indicator) {
      const pair = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(pair)) throw new Error(`bad ^FH escape at ${i}`);
      out.push(Number.parseInt(pair, 16));
      i += 2;
    } else {
      out.push(text.charCodeAt(i));
    }
  }
  return Uint8Array.from(out);
}

/** Every field (^FD … ^FS) with the commands that set it up. */
export function readZplFields(zpl: string): ZplField[] {
  const fields: ZplField[] = [];
  let pending: string[] = [];
  const pattern = /\^FD(.*?)\^FS|\^([A-Z0-9@]{2}[^^\n]*)/gs;
  for (const match of zpl.matchAll(pattern)) {
    if (match[1] !== undefined) {
      const hex = pending.some((command) => command.startsWith('FH'));
      fields.push({
        commands: pending,
        data: hex ? hexDecode(match[1], '_') : new TextEncoder().encode(match[1]),
      });
      pending = [];
    } else if (match[2] !== undefined) {
      pending.push(match[2]);
    }
  }
  return fields;
}

/** The bytes a ^BX quality-200 field encodes, after its escape character is applied. */
export function dataMatrixBytes(field: ZplField): Uint8Array {
  const bx = field.commands.find((command) => command.startsWith('BX'));
  if (bx === undefined) throw new Error('not a ^BX field');
  const escapeChar = bx.slice(2).split(',')[6] || '~';
  const code = escapeChar.charCodeAt(0);
  const out: number[] = [];
  for (let i = 0; i < field.data.length; i++) {
    const byte = field.data[i] ?? 0;
    if (byte === code) {
      if (field.data[i + 1] !== code) throw new Error(`unexpected ^BX escape sequence at ${i}`);
      i += 1;
    }
    out.push(byte);
  }
  return Uint8Array.from(out);
}

/**
 * Field bytes as text under ^CI27 (Windows-1252). Node's TextDecoder treats that label as Latin-1,
 * so the one 0x80–0x9F character Indicium prints, the en dash of the SAMPLE line, is mapped here.
 */
export function cp1252Text(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => {
    if (byte === 0x96) return '–';
    if (byte >= 0x80 && byte <= 0x9f) throw new Error(`unexpected Windows-1252 byte ${byte}`);
    return String.fromCharCode(byte);
  }).join('');
}
