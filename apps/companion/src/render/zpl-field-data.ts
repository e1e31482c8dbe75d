/**
 * ZPL field data, always written with ^FH (hex escapes, `_XX`), so the ZPL stream itself holds only
 * printable ASCII: a byte of the indicium or of an address can never end a field (^FS), start a
 * command (^ or ~) or change a printer setting.
 */

const hex = (byte: number): string => `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Characters written as themselves; the ZPL prefixes, the ^FH escape and `\` are always hex. */
function isLiteral(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e && byte !== 0x5e && byte !== 0x7e && byte !== 0x5f && byte !== 0x5c;
}

/** Every byte as `_XX`. */
export function zplHexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, hex).join('');
}

/** Unicode → Windows-1252 for ^CI27. The address schema admits Latin-1 (identical there) and the
 * en dash of the SAMPLE line; anything else would be a bug, and prints as `?` rather than garbage. */
function cp1252(char: string): number {
  const code = char.codePointAt(0) ?? 0x3f;
  if (char === '–') return 0x96;
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return code;
  return 0x3f;
}

/** Text for a ^FH^FD field under ^CI27. */
export function zplText(text: string): string {
  return Array.from(text, (char) => {
    const byte = cp1252(char);
    return isLiteral(byte) ? String.fromCharCode(byte) : hex(byte);
  }).join('');
}

/**
 * Escape characters ^BX may be told to use (its parameter g), in order of preference. Printable,
 * and none of `^`, `~` or `,` (they would end the command or its parameter list) nor `_`, the ^FH escape.
 */
const ESCAPE_CANDIDATES = '!#$%&*+-./:;<=>?@|`{}';

/**
 * ^BX at quality 200 reads an escape character in its data *after* ^FH decoding (`_1` is FNC1,
 * `_dNNN` a codeword…), and a binary indicium may hold any byte. Pick an escape character that does
 * not occur in the bytes, so the data passes through untouched; only if every candidate occurs
 * (114 bytes practically never hold all 21 of them) double each occurrence of the
 * escape, which the printer reads as one literal byte.
 */
export function dataMatrixZplField(bytes: Uint8Array): { escapeChar: string; data: string } {
  const present = new Set(bytes);
  const free = [...ESCAPE_CANDIDATES].find((char) => !present.has(char.charCodeAt(0)));
  if (free !== undefined) return { escapeChar: free, data: zplHexBytes(bytes) };
  const escapeChar = ESCAPE_CANDIDATES[0] ?? '!';
  const code = escapeChar.charCodeAt(0);
  const doubled = Array.from(bytes).flatMap((byte) => (byte === code ? [byte, byte] : [byte]));
  return { escapeChar, data: zplHexBytes(Uint8Array.from(doubled)) };
}
