import PDFDocument from 'pdfkit';
import type { PageLayout } from './page-layout.js';
import { PDF_FONTS } from './text-metrics.js';

/**
 * Draws a laid-out page as a one-page PDF of exactly the medium's size (DESIGN §5 "Printed form").
 * The Data Matrix goes in as the PNG bwip-js made, one image pixel grid per module, placed at the
 * layout's module size; text uses the PDF standard fonts, so nothing is embedded but the symbol.
 *
 * `symbolPng` must be the layout's symbol without quiet zone (the page is white around it).
 */
export function renderPdf(layout: PageLayout, symbolPng: Uint8Array, title: string): Promise<Uint8Array> {
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
        const side = mark.symbol.size * mark.modulePt;
        doc.image(Buffer.from(symbolPng), mark.x, mark.y, { width: side, height: side });
        break;
      }
    }
  }
  doc.end();
  return done;
}
