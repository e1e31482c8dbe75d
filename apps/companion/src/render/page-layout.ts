import type { DataMatrixSymbol } from './data-matrix-symbol.js';

/**
 * A page as a list of marks, in PostScript points (1/72 in) from the top-left corner. The layout is
 * computed once and drawn by each output (PDF, PNG preview, ZPL), so the preview shows what
 * prints and a layout rule tested here holds for all three.
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type FontFace = 'regular' | 'bold';

/** One line of text; `baseline` is the alphabetic baseline, `width` the box it must fit. */
export interface TextMark {
  readonly kind: 'text';
  readonly text: string;
  readonly x: number;
  readonly baseline: number;
  readonly width: number;
  readonly face: FontFace;
  readonly size: number;
}

/** A solid black rectangle: FIM bars and rules. */
export interface BarMark extends Rect {
  readonly kind: 'bar';
}

/** A thin dashed outline: the cut guide around a label-sized region on a sheet. */
export interface GuideMark extends Rect {
  readonly kind: 'guide';
}

/** The Data Matrix at print size; `x`, `y` are the top-left of the symbol, quiet zone outside. */
export interface SymbolMark {
  readonly kind: 'symbol';
  readonly x: number;
  readonly y: number;
  readonly modulePt: number;
  readonly symbol: DataMatrixSymbol;
}

export type Mark = TextMark | BarMark | GuideMark | SymbolMark;

export interface PageLayout {
  readonly widthPt: number;
  readonly heightPt: number;
  readonly marks: readonly Mark[];
  /** Where the indicium (symbol and its text) sits. */
  readonly indicium: Rect;
  /** The area only the indicium may occupy, when the medium asks for one. */
  readonly clearZone: Rect | null;
}

/** The rectangle a mark covers (text: from ascender to descender of its box). */
export function markBounds(mark: Mark): Rect {
  switch (mark.kind) {
    case 'text':
      return { x: mark.x, y: mark.baseline - mark.size * 0.75, width: mark.width, height: mark.size };
    case 'symbol': {
      const side = mark.symbol.size * mark.modulePt;
      return { x: mark.x, y: mark.y, width: side, height: side };
    }
    default:
      return { x: mark.x, y: mark.y, width: mark.width, height: mark.height };
  }
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
