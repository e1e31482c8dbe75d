import PDFDocument from 'pdfkit';
import type { FontFace } from './page-layout.js';

/** The PDF standard fonts every output is laid out for; the PNG preview uses Arimo, metric-compatible. */
export const PDF_FONTS: Readonly<Record<FontFace, string>> = Object.freeze({
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
});

let metricsDocument: PDFKit.PDFDocument | undefined;

/**
 * The width in points of `text` set in Helvetica at `size`, from pdfkit's Adobe font metrics.
 * One measuring document is kept: it never gets a page, so it never grows.
 */
export function textWidth(text: string, face: FontFace, size: number): number {
  metricsDocument ??= new PDFDocument({ autoFirstPage: false });
  return metricsDocument.font(PDF_FONTS[face]).fontSize(size).widthOfString(text);
}

/**
 * The largest size up to `size` at which `text` fits `width`. Addresses vary in length, and a
 * line that runs into the indicium or off the label is worse than a smaller one; the schema's
 * 40-character limit keeps the result legible.
 */
export function fittedSize(text: string, face: FontFace, size: number, width: number): number {
  const natural = textWidth(text, face, size);
  if (natural <= width) return size;
  return Math.floor(((size * width) / natural) * 10) / 10;
}
