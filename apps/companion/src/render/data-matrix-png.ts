import { IndiciumError } from '@indicium/protocol';
import bwipjs from 'bwip-js';
import { dataMatrixOptions } from './data-matrix-symbol.js';
import { readIndicium } from './read-indicium.js';

export interface DataMatrixPngOptions {
  /**
   * Pixels per module: even, because bwip-js draws a Data Matrix module as 2 units of its integer
   * `scale`, and whole so every module is the same size. Default 8 (320 dpi at 0.025 in).
   */
  readonly pixelsPerModule?: number;
  /** White modules around the symbol. ISO/IEC 16022 asks for at least 1; default 2. */
  readonly quietZoneModules?: number;
}

/** Bytes from an indicium symbol as a PNG without re-checking; callers inside the renderer only. */
export async function dataMatrixPngOf(
  bytes: Uint8Array,
  options: DataMatrixPngOptions = {},
): Promise<Uint8Array> {
  const scale = options.pixelsPerModule ?? 8;
  const padding = options.quietZoneModules ?? 2;
  if (!Number.isInteger(scale) || scale % 2 !== 0 || scale < 2 || scale > 64) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'pixelsPerModule',
      detail: 'an even integer from 2 to 64',
    });
  }
  if (!Number.isInteger(padding) || padding < 0 || padding > 16) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'quietZoneModules',
      detail: 'an integer from 0 to 16',
    });
  }
  // An opaque white background: scanners (and dmtxread) read a transparent PNG's dark
  // modules against black and see nothing.
  const png = await bwipjs.toBuffer({
    ...dataMatrixOptions(bytes),
    scale: scale / 2,
    padding: padding * 2,
    backgroundcolor: 'FFFFFF',
  });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * The indicium's Data Matrix alone, as a PNG: exactly the 114 indicium bytes, ECC 200, white
 * background with a quiet zone (DESIGN §5 "Printed form"). For a print, use `renderIndicium`,
 * which places it on a medium at print size.
 *
 * Throws `IndiciumError('INDICIUM_MALFORMED')` for anything but a well-formed indicium.
 *
 * @example const png = await dataMatrixPng(indicium, { pixelsPerModule: 8 });
 */
export async function dataMatrixPng(
  indicium: Uint8Array,
  options: DataMatrixPngOptions = {},
): Promise<Uint8Array> {
  const { bytes } = readIndicium(indicium);
  return dataMatrixPngOf(bytes, options);
}
