import { IndiciumError } from '@indicium/protocol';
import type { Rect } from './page-layout.js';

/**
 * The media Indicium prints on (DESIGN §5 "Printed form"), as one frozen table of physical
 * geometry in points (72 per inch, top-left origin). Code reads the table; nothing about a medium
 * lives anywhere else. Sizes are exact: a #10 envelope is 9.5 × 4.125 in, a label 4 × 6 in,
 * a sheet 8.5 × 11 in.
 */
export type MediumId = 'envelope-10' | 'label-4x6' | 'letter';

export const MEDIUM_IDS = Object.freeze([
  'envelope-10',
  'label-4x6',
  'letter',
] as const satisfies readonly MediumId[]);

const INCH = 72;

/** Where an address block starts (top-left), how wide it may run, and its type size. */
export interface AddressSlot {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly size: number;
  /** A small heading above the block (e.g. 'SHIP TO'), or null. */
  readonly heading: string | null;
}

/**
 * The Facing Identification Mark (USPS DMM 708.9): nine bar positions 1/16 in apart, a bar 1/32 in
 * wide and 5/8 in tall where the pattern has a 1, its top within 1/8 in of the top edge and its
 * rightmost bar 2 in (± 1/8) from the right edge, left of the indicium. FIM D (111010111) marks
 * information-based indicia, so letter sorters face the piece without a stamp to find.
 */
export interface FimSpec {
  readonly pattern: string;
  /** x of the right edge of the rightmost bar position. */
  readonly rightEdge: number;
  readonly top: number;
  readonly barWidth: number;
  readonly pitch: number;
  readonly height: number;
}

export interface MediumSpec {
  readonly id: MediumId;
  readonly title: string;
  readonly widthPt: number;
  readonly heightPt: number;
  /** Top-left and width of the indicium block (warning line, symbol, human-readable text). */
  readonly indicium: { readonly x: number; readonly y: number; readonly width: number };
  /** Data Matrix module size. 0.025 in puts the 44-module symbol at 1.1 in: ≥ 1 in, as scanners expect. */
  readonly modulePt: number;
  /** Margin around the indicium that nothing else may enter (0: none asked for). */
  readonly clearZonePt: number;
  readonly fim: FimSpec | null;
  readonly from: AddressSlot;
  readonly to: AddressSlot;
  readonly rules: readonly Rect[];
  /** A dashed cut guide, for a label-sized region on a larger sheet. */
  readonly guide: Rect | null;
  /** A short printed instruction (e.g. where to cut), or null. */
  readonly note: {
    readonly text: string;
    readonly x: number;
    readonly baseline: number;
    readonly width: number;
  } | null;
  /** Whether the medium is a 4 × 6 thermal label that ZPL printers take. */
  readonly zpl: boolean;
}

const MODULE_PT = 0.025 * INCH;
/** 1.3125 in: the symbol (1.1 in) and the text under it, and still clear of the FIM by ½ in. */
const INDICIUM_WIDTH = 1.3125 * INCH;

const ENVELOPE_10: MediumSpec = {
  id: 'envelope-10',
  title: '#10 envelope',
  widthPt: 9.5 * INCH,
  heightPt: 4.125 * INCH,
  // Upper-right corner, 3/16 in from the right edge, ½ in (the clear zone) right of the FIM.
  indicium: { x: 8 * INCH, y: 0.25 * INCH, width: INDICIUM_WIDTH },
  modulePt: MODULE_PT,
  clearZonePt: 0.5 * INCH,
  fim: {
    pattern: '111010111',
    rightEdge: 7.5 * INCH,
    top: INCH / 16,
    barWidth: INCH / 32,
    pitch: INCH / 16,
    height: (5 / 8) * INCH,
  },
  // Return address in the upper left; the delivery address inside the OCR read area (the band
  // 5/8 in to 2¾ in above the bottom edge) and left of the indicium's clear zone.
  from: { x: 0.25 * INCH, y: 0.25 * INCH, width: 3.25 * INCH, size: 9, heading: null },
  to: { x: 3.5 * INCH, y: 2 * INCH, width: 4 * INCH, size: 11, heading: null },
  rules: [],
  guide: null,
  note: null,
  zpl: false,
};

const LABEL_4X6: MediumSpec = {
  id: 'label-4x6',
  title: '4 × 6 in label',
  widthPt: 4 * INCH,
  heightPt: 6 * INCH,
  indicium: { x: 4 * INCH - 0.2 * INCH - INDICIUM_WIDTH, y: 0.25 * INCH, width: INDICIUM_WIDTH },
  modulePt: MODULE_PT,
  clearZonePt: 0,
  fim: null,
  from: { x: 0.2 * INCH, y: 0.25 * INCH, width: 1.75 * INCH, size: 8, heading: null },
  to: { x: 0.5 * INCH, y: 2.75 * INCH, width: 3.3 * INCH, size: 12, heading: 'SHIP TO' },
  rules: [{ x: 0.2 * INCH, y: 2.45 * INCH, width: 3.6 * INCH, height: 1.5 }],
  guide: null,
  note: null,
  zpl: true,
};

/** The label's layout, moved to the sheet's top-right corner, ¼ in from both edges. */
const LETTER_REGION = { x: 8.5 * INCH - 0.25 * INCH - LABEL_4X6.widthPt, y: 0.25 * INCH };
const inRegion = <T extends { x: number; y: number }>(slot: T): T => ({
  ...slot,
  x: slot.x + LETTER_REGION.x,
  y: slot.y + LETTER_REGION.y,
});

const LETTER: MediumSpec = {
  id: 'letter',
  title: 'US-letter sheet',
  widthPt: 8.5 * INCH,
  heightPt: 11 * INCH,
  indicium: inRegion(LABEL_4X6.indicium),
  modulePt: MODULE_PT,
  clearZonePt: 0,
  fim: null,
  from: inRegion(LABEL_4X6.from),
  to: inRegion(LABEL_4X6.to),
  rules: LABEL_4X6.rules.map(inRegion),
  guide: { ...LETTER_REGION, width: LABEL_4X6.widthPt, height: LABEL_4X6.heightPt },
  note: {
    text: 'Cut along the dashed line and attach to the package.',
    x: LETTER_REGION.x,
    baseline: LETTER_REGION.y + LABEL_4X6.heightPt + 14,
    width: LABEL_4X6.widthPt,
  },
  zpl: false,
};

export const MEDIA: Readonly<Record<MediumId, MediumSpec>> = Object.freeze({
  'envelope-10': Object.freeze(ENVELOPE_10),
  'label-4x6': Object.freeze(LABEL_4X6),
  letter: Object.freeze(LETTER),
});

/**
 * Looks a medium up by id; anything else is `MEDIUM_UNSUPPORTED` (field `medium`).
 *
 * @example mediumSpec('envelope-10').widthPt // 684
 */
export function mediumSpec(id: unknown): MediumSpec {
  if (typeof id === 'string' && Object.hasOwn(MEDIA, id)) return MEDIA[id as MediumId];
  throw new IndiciumError('MEDIUM_UNSUPPORTED', { field: 'medium', details: { supported: MEDIUM_IDS } });
}
