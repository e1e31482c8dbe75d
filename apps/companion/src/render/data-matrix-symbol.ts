import bwipjs from 'bwip-js';

/**
 * Every indicium prints as the same 44 × 44 ECC 200 symbol. 114 bytes in Base256 need 117 data
 * codewords, and 44 × 44 (144) is the smallest square that always holds them; without forcing it,
 * an indicium whose bytes happen to compress (runs of ASCII digits) would print smaller and move
 * the layout. One size also lets ZPL ask the printer for exactly the same symbol.
 */
export const DATA_MATRIX_VERSION = '44x44';
export const DATA_MATRIX_MODULES = 44;

/** The symbol as a grid of modules: `dark[row][column]`, row 0 at the top, without quiet zone. */
export interface DataMatrixSymbol {
  readonly size: number;
  readonly dark: readonly (readonly boolean[])[];
}

/**
 * The options that make bwip-js encode raw bytes. bwip-js UTF-8-encodes `text` by default, which
 * would turn every byte ≥ 0x80 into two; `binarytext` with a latin1 string maps each byte to one
 * character and back. `parse`/`parsefnc` stay off so no byte sequence is read as an escape.
 */
export function dataMatrixOptions(bytes: Uint8Array) {
  return {
    bcid: 'datamatrix',
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
    binarytext: true,
    parse: false,
    parsefnc: false,
    version: DATA_MATRIX_VERSION,
  } as const;
}

/**
 * Encodes bytes as an ECC 200 Data Matrix module grid (DESIGN §5: "one Data Matrix (ECC 200,
 * Base256)"). The caller checks the bytes are an indicium first.
 *
 * @example encodeDataMatrix(indiciumBytes).size // 44
 */
export function encodeDataMatrix(bytes: Uint8Array): DataMatrixSymbol {
  // The default export's `raw` returns the module grid; the *named* export `raw` is bwip-js's
  // "raw" barcode type, whatever its typings say.
  const [symbol] = bwipjs.raw({ ...dataMatrixOptions(bytes) });
  if (symbol === undefined || !('pixs' in symbol) || symbol.pixx !== symbol.pixy) {
    throw new Error('bwip-js returned no square Data Matrix symbol');
  }
  const size = symbol.pixx;
  const dark: boolean[][] = [];
  for (let row = 0; row < size; row++) {
    dark.push(symbol.pixs.slice(row * size, (row + 1) * size).map((module) => module === 1));
  }
  return { size, dark };
}
