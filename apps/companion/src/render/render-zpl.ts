import type { Mark, PageLayout } from './page-layout.js';
import { dataMatrixZplField, zplText } from './zpl-field-data.js';

/** Thermal 4 × 6 printers print 203 dpi (8 dots/mm); ZPL positions are in those dots. */
export const ZPL_DPI = 203;

const dots = (pt: number): number => Math.round((pt * ZPL_DPI) / 72);

function markZpl(mark: Mark, indicium: Uint8Array): string {
  switch (mark.kind) {
    case 'text': {
      // ^FT puts the baseline at y, as the layout does; font 0 is condensed, so a line that fits in
      // Helvetica fits here too.
      const height = Math.max(10, dots(mark.size));
      return `^FT${dots(mark.x)},${dots(mark.baseline)}^A0N,${height},${height}^FH^FD${zplText(mark.text)}^FS`;
    }
    case 'bar':
    case 'guide': {
      const width = Math.max(1, dots(mark.width));
      const height = Math.max(1, dots(mark.height));
      const thickness = mark.kind === 'bar' ? Math.min(width, height) : 1;
      return `^FO${dots(mark.x)},${dots(mark.y)}^GB${width},${height},${thickness}^FS`;
    }
    case 'symbol': {
      // ECC 200 (quality 200), forced to the same rows × columns as the PDF's symbol.
      const module = Math.max(1, dots(mark.modulePt));
      const { escapeChar, data } = dataMatrixZplField(indicium);
      const size = mark.symbol.size;
      return `^FO${dots(mark.x)},${dots(mark.y)}^BXN,${module},200,${size},${size},,${escapeChar}^FH^FD${data}^FS`;
    }
  }
}

/**
 * Draws a laid-out label as ZPL II for a 203 dpi thermal printer: ^XA … ^XZ, code page 1252 for
 * text (^CI27), the indicium as ^BX Data Matrix of exactly its bytes, every field hex-escaped.
 */
export function renderZpl(layout: PageLayout, indicium: Uint8Array): Uint8Array {
  const lines = [
    '^XA',
    '^CI27',
    `^PW${dots(layout.widthPt)}`,
    `^LL${dots(layout.heightPt)}`,
    '^LH0,0',
    ...layout.marks.map((mark) => markZpl(mark, indicium)),
    '^XZ',
  ];
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}
