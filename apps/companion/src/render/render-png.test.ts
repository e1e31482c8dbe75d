import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { encodeDataMatrix } from './data-matrix-symbol.js';
import { SAMPLE_TEXT } from './indicium-text.js';
import { layoutPage } from './layout-page.js';
import { mediumSpec } from './media-table.js';
import { markBounds, type PageLayout, type Rect, type TextMark } from './page-layout.js';
import { PREVIEW_DPI, PREVIEW_FONT_FAMILY, renderPng } from './render-png.js';
import { makeTestIndicium, TEST_FIELDS } from './test-indicium.fixture.js';

const symbol = encodeDataMatrix(makeTestIndicium());
const layoutWith = (sample: boolean) =>
  layoutPage({ medium: mediumSpec('label-4x6'), fields: { ...TEST_FIELDS, sample }, symbol });

/** Dark pixels of a PNG inside a rectangle given in points. */
async function darkPixels(png: Uint8Array, area: Rect): Promise<number> {
  const scale = PREVIEW_DPI / 72;
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(
    Math.floor(area.x * scale),
    Math.floor(area.y * scale),
    Math.ceil(area.width * scale),
    Math.ceil(area.height * scale),
  );
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark++;
  return dark;
}

const warningArea = (layout: PageLayout): Rect => {
  const warning = layout.marks.find(
    (mark): mark is TextMark => mark.kind === 'text' && mark.text === SAMPLE_TEXT,
  );
  if (warning === undefined) throw new Error('no warning in the layout');
  return markBounds(warning);
};

describe('renderPng', () => {
  it('sets the SAMPLE warning in ink: the bundled font loads and draws', async () => {
    const sample = layoutWith(true);
    const area = warningArea(sample);
    expect(await darkPixels(await renderPng(sample), area)).toBeGreaterThan(200);
    expect(GlobalFonts.has(PREVIEW_FONT_FAMILY)).toBe(true);
    // The same page without that one mark is blank there: the ink is the warning's.
    const without = {
      ...sample,
      marks: sample.marks.filter((mark) => !(mark.kind === 'text' && mark.text === SAMPLE_TEXT)),
    };
    expect(await darkPixels(await renderPng(without), area)).toBe(0);
  });

  it('paints an opaque white page', async () => {
    const png = await renderPng(layoutWith(true));
    const image = await loadImage(Buffer.from(png));
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    expect([...ctx.getImageData(image.width - 1, image.height - 1, 1, 1).data]).toEqual([255, 255, 255, 255]);
  });
});
