import type { IndiciumFields } from '@indicium/protocol';
import { type Address, addressLines } from './address-schema.js';
import type { DataMatrixSymbol } from './data-matrix-symbol.js';
import { type IndiciumLineStyle, indiciumTextLines } from './indicium-text.js';
import type { AddressSlot, FimSpec, MediumSpec } from './media-table.js';
import type { BarMark, FontFace, Mark, PageLayout, Rect, TextMark } from './page-layout.js';
import { fittedSize } from './text-metrics.js';

export interface LayoutInput {
  readonly medium: MediumSpec;
  readonly fields: IndiciumFields;
  readonly symbol: DataMatrixSymbol;
  readonly from?: Address | undefined;
  readonly to?: Address | undefined;
}

/** Type size and face of each indicium line; the warning is bold so it cannot be missed. */
const LINE_STYLE: Readonly<Record<IndiciumLineStyle, { face: FontFace; size: number }>> = Object.freeze({
  warning: { face: 'bold', size: 6 },
  amount: { face: 'bold', size: 12 },
  kind: { face: 'bold', size: 7 },
  detail: { face: 'regular', size: 6.5 },
});

/** White space kept around the symbol: ISO/IEC 16022 asks for 1 module; 2 tolerate ink spread. */
const QUIET_ZONE_MODULES = 2;

/** Sets lines top-down from `top`; returns the marks and the y below the last line. */
function setLines(
  lines: readonly { text: string; face: FontFace; size: number }[],
  x: number,
  top: number,
  width: number,
): { marks: TextMark[]; bottom: number } {
  const marks: TextMark[] = [];
  let cursor = top;
  for (const line of lines) {
    const size = fittedSize(line.text, line.face, line.size, width);
    marks.push({
      kind: 'text',
      text: line.text,
      x,
      baseline: cursor + line.size * 0.8,
      width,
      face: line.face,
      size,
    });
    cursor += line.size * 1.2;
  }
  return { marks, bottom: cursor };
}

function indiciumMarks(medium: MediumSpec, fields: IndiciumFields, symbol: DataMatrixSymbol) {
  const { x, y, width } = medium.indicium;
  const lines = indiciumTextLines(fields).map((line) => ({ ...line, ...LINE_STYLE[line.style] }));
  // The SAMPLE warning goes above the symbol: the first thing anyone (or any clerk) reads.
  const warning = lines.filter((line) => line.style === 'warning');
  const rest = lines.filter((line) => line.style !== 'warning');
  const top = setLines(warning, x, y, width);
  const quietZone = QUIET_ZONE_MODULES * medium.modulePt;
  const symbolTop = warning.length > 0 ? top.bottom + quietZone : y;
  const side = symbol.size * medium.modulePt;
  const below = setLines(rest, x, symbolTop + side + quietZone, width);
  const marks: Mark[] = [
    ...top.marks,
    { kind: 'symbol', x, y: symbolTop, modulePt: medium.modulePt, symbol },
    ...below.marks,
  ];
  return { marks, bounds: { x, y, width, height: below.bottom - y } };
}

function addressMarks(slot: AddressSlot, address: Address | undefined): TextMark[] {
  if (address === undefined) return [];
  const heading = slot.heading === null ? [] : [{ text: slot.heading, face: 'bold' as const, size: 7 }];
  const [name = '', ...rest] = addressLines(address);
  const lines = [
    ...heading,
    { text: name, face: 'bold' as const, size: slot.size },
    ...rest.map((text) => ({ text, face: 'regular' as const, size: slot.size })),
  ];
  return setLines(lines, slot.x, slot.y, slot.width).marks;
}

function fimMarks(fim: FimSpec | null): BarMark[] {
  if (fim === null) return [];
  const positions = fim.pattern.length;
  return [...fim.pattern].flatMap((bit, i) => {
    if (bit !== '1') return [];
    const x = fim.rightEdge - fim.barWidth - (positions - 1 - i) * fim.pitch;
    return [{ kind: 'bar' as const, x, y: fim.top, width: fim.barWidth, height: fim.height }];
  });
}

function clearZoneOf(medium: MediumSpec, indicium: Rect): Rect | null {
  if (medium.clearZonePt === 0) return null;
  // The zone stops at the paper's edge: the corner placement puts the indicium within ½ in of it.
  const x = Math.max(0, indicium.x - medium.clearZonePt);
  const y = Math.max(0, indicium.y - medium.clearZonePt);
  const right = Math.min(medium.widthPt, indicium.x + indicium.width + medium.clearZonePt);
  const bottom = Math.min(medium.heightPt, indicium.y + indicium.height + medium.clearZonePt);
  return { x, y, width: right - x, height: bottom - y };
}

/**
 * Places an indicium and its addresses on a medium (DESIGN §5 "Printed form"): the indicium block
 * in the upper-right corner, the SAMPLE warning above its symbol, the FIM and clear zone where the
 * medium asks for them, return and delivery addresses in their slots.
 *
 * @example layoutPage({ medium: mediumSpec('envelope-10'), fields, symbol, to }).marks
 */
export function layoutPage(input: LayoutInput): PageLayout {
  const { medium } = input;
  const indicium = indiciumMarks(medium, input.fields, input.symbol);
  const marks: Mark[] = [
    ...fimMarks(medium.fim),
    ...indicium.marks,
    ...addressMarks(medium.from, input.from),
    ...addressMarks(medium.to, input.to),
    ...medium.rules.map((rule) => ({ kind: 'bar' as const, ...rule })),
  ];
  if (medium.guide !== null) marks.push({ kind: 'guide', ...medium.guide });
  if (medium.note !== null) {
    const { text, x, baseline, width } = medium.note;
    marks.push({
      kind: 'text',
      text,
      x,
      baseline,
      width,
      face: 'regular',
      size: fittedSize(text, 'regular', 7, width),
    });
  }
  return {
    widthPt: medium.widthPt,
    heightPt: medium.heightPt,
    marks,
    indicium: indicium.bounds,
    clearZone: clearZoneOf(medium, indicium.bounds),
  };
}
