import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { PageLayout, SymbolMark } from './page-layout.js';

/**
 * The preview's typeface. Arimo has Helvetica's metrics (it is the design Liberation Sans comes
 * from), so every line breaks and fits as in the PDF. It ships with the package instead of being
 * looked up on the system, where it may be missing or be another font of the same name.
 */
export const PREVIEW_FONT_FAMILY = 'Indicium Preview Sans';
const FAMILY = PREVIEW_FONT_FAMILY;
let fontsLoaded = false;

function loadFonts(): void {
  if (fontsLoaded) return;
  const require = createRequire(import.meta.url);
  for (const weight of ['400', '700']) {
    const path = require.resolve(`@fontsource/arimo/files/arimo-latin-${weight}-normal.woff2`);
    if (GlobalFonts.registerFromPath(path, FAMILY) === null) {
      throw new Error(`the preview font could not be loaded from ${path}`);
    }
  }
  fontsLoaded = true;
}

/** Preview resolution: sharp on screen, small enough to send to the page (letter: 1275 × 1650). */
export const PREVIEW_DPI = 150;

/**
 * Modules snap to whole pixels: a scaled bitmap with modules of 3 and 4 pixels mixed would still
 * scan, but a preview should show the symbol as crisp as it prints.
 */
function drawSymbol(ctx: SKRSContext2D, mark: SymbolMark, scale: number): void {
  const module = Math.max(1, Math.round(mark.modulePt * scale));
  const side = mark.symbol.size * mark.modulePt * scale;
  // Centre the snapped symbol where the exact one would be.
  const x0 = Math.round(mark.x * scale + (side - module * mark.symbol.size) / 2);
  const y0 = Math.round(mark.y * scale + (side - module * mark.symbol.size) / 2);
  ctx.fillStyle = '#000000';
  mark.symbol.dark.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) ctx.fillRect(x0 + c * module, y0 + r * module, module, module);
    });
  });
}

/**
 * Draws a laid-out page as a PNG, the same marks as the PDF: an honest preview of what prints,
 * without depending on a PDF rasteriser end users may not have. Opaque white background, so the
 * preview's symbol scans like the print's.
 */
export async function renderPng(layout: PageLayout, dpi: number = PREVIEW_DPI): Promise<Uint8Array> {
  loadFonts();
  const scale = dpi / 72;
  const canvas = createCanvas(Math.round(layout.widthPt * scale), Math.round(layout.heightPt * scale));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (const mark of layout.marks) {
    switch (mark.kind) {
      case 'text':
        ctx.fillStyle = '#000000';
        ctx.textBaseline = 'alphabetic';
        ctx.font = `${mark.face === 'bold' ? 'bold ' : ''}${mark.size * scale}px "${FAMILY}"`;
        ctx.fillText(mark.text, mark.x * scale, mark.baseline * scale, mark.width * scale);
        break;
      case 'bar':
        ctx.fillStyle = '#000000';
        ctx.fillRect(mark.x * scale, mark.y * scale, mark.width * scale, mark.height * scale);
        break;
      case 'guide':
        ctx.save();
        ctx.strokeStyle = '#666666';
        ctx.lineWidth = 0.5 * scale;
        ctx.setLineDash([4 * scale, 3 * scale]);
        ctx.strokeRect(mark.x * scale, mark.y * scale, mark.width * scale, mark.height * scale);
        ctx.restore();
        break;
      case 'symbol':
        drawSymbol(ctx, mark, scale);
        break;
    }
  }
  return new Uint8Array(await canvas.encode('png'));
}
