import PDFDocument from 'pdfkit';
import type { PageLayout } from './page-layout.js';
import { PDF_FONTS } from './text-metrics.js';

/**
 * Draws a laid-out page as a one-page PDF of exactly the medium's size (DESIGN §5 "Printed form").
 * The Data Matrix is drawn as vector squares from the layout's module grid, one path filled once,
 * so every module is exactly `modulePt` at any printer resolution; text uses the PDF standard
 * fonts, so nothing is embedded. (It used to be a PNG from bwip-js: a second encoding of the
 * symbol, a canvas raster, a deflate, and pdfkit inflating it again — most of a print's render
 * time; see docs/performance.md.)
 */
export function renderPdf(layout: PageLayout, title: string): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [layout.widthPt, layout.heightPt],
    margin: 0,
    info: { Title: title, Creator: 'Indicium companion', Producer: 'Indicium companion' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  for (const mark of layout.marks) {
    switch (mark.kind) {
      case 'text':
        doc
          .font(PDF_FONTS[mark.face])
          .fontSize(mark.size)
          .fillColor('black')
          .text(mark.text, mark.x, mark.baseline, { lineBreak: false, baseline: 'alphabetic' });
        break;
      case 'bar':
        doc.rect(mark.x, mark.y, mark.width, mark.height).fill('black');
        break;
      case 'guide':
        doc
          .save()
          .lineWidth(0.5)
          .dash(4, { space: 3 })
          .rect(mark.x, mark.y, mark.width, mark.height)
          .stroke('#666666')
          .restore();
        break;
      case 'symbol': {
        // One rectangle per horizontal run of dark modules, all in one path filled once: touching
        // rectangles of one path leave no hairline seams when a printer driver rasterises them.
        const { dark, size } = mark.symbol;
        const m = mark.modulePt;
        for (let row = 0; row < size; row++) {
          const cells = dark[row] ?? [];
          for (let col = 0; col < size; col++) {
            if (cells[col] !== true) continue;
            let end = col;
            while (end + 1 < size && cells[end + 1] === true) end++;
            doc.rect(mark.x + col * m, mark.y + row * m, (end - col + 1) * m, m);
            col = end;
          }
        }
        doc.fill('black');
        break;
      }
    }
  }
  doc.end();
  return done;
}
