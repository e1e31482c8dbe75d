import { describe, expect, it } from 'vitest';
import type { Address } from './address-schema.js';
import { encodeDataMatrix } from './data-matrix-symbol.js';
import { SAMPLE_TEXT } from './indicium-text.js';
import { layoutPage } from './layout-page.js';
import { MEDIUM_IDS, type MediumId, mediumSpec } from './media-table.js';
import {
  type Mark,
  markBounds,
  type Rect,
  rectsOverlap,
  type SymbolMark,
  type TextMark,
} from './page-layout.js';
import { makeTestIndicium, TEST_FIELDS } from './test-indicium.fixture.js';
import { textWidth } from './text-metrics.js';

const FROM: Address = {
  name: 'Ada Lovelace',
  lines: ['12 Main St'],
  city: 'Boston',
  state: 'MA',
  zip: '02139',
};
const TO: Address = {
  name: 'Grace Hopper',
  lines: ['1 Navy Yard Rd', 'Suite 200', 'Building 7'],
  city: 'Arlington',
  state: 'VA',
  zip: '22202-1234',
};
const symbol = encodeDataMatrix(makeTestIndicium());

const layoutFor = (medium: MediumId, overrides = {}, addresses = { from: FROM, to: TO }) =>
  layoutPage({ medium: mediumSpec(medium), fields: { ...TEST_FIELDS, ...overrides }, symbol, ...addresses });

const within = (inner: Rect, outer: Rect) =>
  inner.x >= outer.x - 0.001 &&
  inner.y >= outer.y - 0.001 &&
  inner.x + inner.width <= outer.x + outer.width + 0.001 &&
  inner.y + inner.height <= outer.y + outer.height + 0.001;

const texts = (marks: readonly Mark[]) => marks.filter((mark): mark is TextMark => mark.kind === 'text');
const symbolOf = (marks: readonly Mark[]) => marks.find((mark): mark is SymbolMark => mark.kind === 'symbol');

describe.each(MEDIUM_IDS)('layout on %s', (medium) => {
  const layout = layoutFor(medium);
  const page = { x: 0, y: 0, width: layout.widthPt, height: layout.heightPt };
  const indiciumMarks = layout.marks.filter((mark) => within(markBounds(mark), layout.indicium));
  const otherMarks = layout.marks.filter((mark) => !indiciumMarks.includes(mark) && mark.kind !== 'guide');

  it('keeps every mark on the page', () => {
    for (const mark of layout.marks) expect(within(markBounds(mark), page), JSON.stringify(mark)).toBe(true);
  });

  it('puts the indicium in the upper-right corner', () => {
    const region = mediumSpec(medium).guide ?? page;
    expect(region.x + region.width - (layout.indicium.x + layout.indicium.width)).toBeLessThanOrEqual(18);
    expect(layout.indicium.y - region.y).toBeLessThanOrEqual(18);
  });

  it('prints the symbol at least 1 inch wide, with the SAMPLE warning above it', () => {
    const mark = symbolOf(layout.marks);
    expect(mark).toBeDefined();
    expect((mark?.symbol.size ?? 0) * (mark?.modulePt ?? 0)).toBeGreaterThanOrEqual(72);
    const warning = texts(layout.marks).find((text) => text.text === SAMPLE_TEXT);
    expect(warning?.baseline).toBeLessThan(mark?.y ?? 0);
    expect(warning?.face).toBe('bold');
  });

  it('keeps a 2-module quiet zone around the symbol', () => {
    const mark = symbolOf(layout.marks);
    if (mark === undefined) throw new Error('no symbol');
    const side = mark.symbol.size * mark.modulePt;
    const margin = 2 * mark.modulePt;
    const zone = {
      x: mark.x - margin,
      y: mark.y - margin,
      width: side + 2 * margin,
      height: side + 2 * margin,
    };
    // The cut guide is an outline around the whole label region, far from the symbol.
    for (const other of layout.marks) {
      if (other === mark || other.kind === 'guide') continue;
      expect(rectsOverlap(markBounds(other), zone), JSON.stringify(other)).toBe(false);
    }
  });

  it('lets nothing else overlap the indicium', () => {
    expect(indiciumMarks.length).toBeGreaterThanOrEqual(7);
    for (const mark of otherMarks) {
      expect(rectsOverlap(markBounds(mark), layout.indicium), JSON.stringify(mark)).toBe(false);
    }
  });

  it('fits every line of text in its box (Helvetica metrics)', () => {
    for (const text of texts(layout.marks)) {
      expect(textWidth(text.text, text.face, text.size), text.text).toBeLessThanOrEqual(text.width + 0.01);
    }
  });

  it('prints both addresses', () => {
    const lines = texts(layout.marks).map((text) => text.text);
    expect(lines).toEqual(
      expect.arrayContaining(['Ada Lovelace', 'Grace Hopper', 'Arlington VA 22202-1234']),
    );
  });

  it('omits the warning only for a non-sample indicium', () => {
    const plain = layoutFor(medium, { sample: false });
    expect(texts(plain.marks).some((text) => text.text.includes('SAMPLE'))).toBe(false);
  });

  it('draws no address when none is given', () => {
    const bare = layoutFor(medium, {}, { from: undefined, to: undefined } as never);
    expect(texts(bare.marks).some((text) => text.text.includes('Hopper'))).toBe(false);
  });
});

describe('envelope specifics', () => {
  const layout = layoutFor('envelope-10');
  const bars = layout.marks.filter((mark) => mark.kind === 'bar');

  it('draws FIM D (111010111) per DMM 708.9', () => {
    expect(bars).toHaveLength(7);
    const positions = bars.map((bar) => Math.round((bar.x + bar.width - (7.5 * 72 - 8 * 4.5)) / 4.5));
    expect(positions).toEqual([0, 1, 2, 4, 6, 7, 8]);
    for (const bar of bars) {
      expect(bar.width).toBe(72 / 32);
      expect(bar.height).toBe(45);
      expect(bar.y).toBeLessThanOrEqual(9);
    }
    const rightmost = Math.max(...bars.map((bar) => bar.x + bar.width));
    expect(684 - rightmost).toBe(144);
    expect(rightmost).toBeLessThan(layout.indicium.x);
  });

  it('keeps a ½-inch clear zone around the indicium', () => {
    const zone = layout.clearZone;
    if (zone === null) throw new Error('no clear zone');
    expect(zone.x).toBeCloseTo(layout.indicium.x - 36);
    expect(zone.y + zone.height).toBeCloseTo(layout.indicium.y + layout.indicium.height + 36);
    for (const mark of layout.marks) {
      if (within(markBounds(mark), layout.indicium)) continue;
      expect(rectsOverlap(markBounds(mark), zone), JSON.stringify(mark)).toBe(false);
    }
  });

  it('puts the delivery address inside the OCR read area', () => {
    const lines = texts(layout.marks).filter((text) => text.x === 3.5 * 72);
    expect(lines.length).toBe(5);
    for (const line of lines) {
      const box = markBounds(line);
      expect(box.y).toBeGreaterThanOrEqual(297 - 2.75 * 72);
      expect(box.y + box.height).toBeLessThanOrEqual(297 - 0.625 * 72);
    }
  });
});

describe('layout details', () => {
  it('shrinks a long address line to fit its box', () => {
    const long = { ...TO, name: 'W'.repeat(40) };
    const layout = layoutFor('label-4x6', {}, { from: FROM, to: long });
    const name = texts(layout.marks).find((text) => text.text === long.name);
    expect(name?.size).toBeLessThan(12);
    expect(textWidth(long.name, 'bold', name?.size ?? 0)).toBeLessThanOrEqual(name?.width ?? 0);
  });

  it('names a correction on the piece', () => {
    const layout = layoutFor('envelope-10', { kind: 'correction' });
    expect(texts(layout.marks).map((text) => text.text)).toContain('CORRECTION');
  });
});
