import { IndiciumError } from '@indicium/protocol';
import { z } from 'zod';
import { type Address, addressSchema } from './address-schema.js';
import { encodeDataMatrix } from './data-matrix-symbol.js';
import { layoutPage } from './layout-page.js';
import { type MediumId, mediumSpec } from './media-table.js';
import { readIndicium } from './read-indicium.js';
import { renderPdf } from './render-pdf.js';
import { renderPng } from './render-png.js';
import { renderZpl } from './render-zpl.js';

export const RENDER_FORMATS = Object.freeze(['pdf', 'png', 'zpl'] as const);
export type RenderFormat = (typeof RENDER_FORMATS)[number];

/** Checked before any drawing; the indicium bytes are checked by the codec, not by zod. */
const renderOptionsSchema = z
  .object({
    indicium: z.instanceof(Uint8Array),
    // Any value: mediumSpec answers MEDIUM_UNSUPPORTED, which names the media that are.
    medium: z.unknown(),
    format: z.enum(RENDER_FORMATS),
    from: addressSchema.optional(),
    to: addressSchema.optional(),
  })
  .strict();

/** What to render: the indicium bytes, the medium, the output format, and optional addresses. */
export interface RenderRequest {
  readonly indicium: Uint8Array;
  readonly medium: MediumId;
  readonly format: RenderFormat;
  readonly from?: Address | undefined;
  readonly to?: Address | undefined;
}

/**
 * Renders an indicium for printing (DESIGN §5 "Printed form", §7): a PDF of the medium's exact size,
 * a PNG preview of the same layout, or ZPL for a 4 × 6 thermal label printer. The Data Matrix holds
 * exactly the 114 indicium bytes; the SAMPLE warning is printed whenever the indicium's flag is set.
 *
 * Refuses with `IndiciumError`: `INDICIUM_MALFORMED` (not a well-formed indicium),
 * `MEDIUM_UNSUPPORTED` (unknown medium, or ZPL for anything but the label), `MALFORMED_REQUEST`
 * (bad format or address; `field` names it).
 *
 * @example
 * const pdf = await renderIndicium({ indicium, medium: 'envelope-10', format: 'pdf', to });
 */
export async function renderIndicium(request: RenderRequest): Promise<Uint8Array> {
  const parsed = renderOptionsSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'request';
    if (field === 'indicium') readIndicium(request.indicium);
    throw new IndiciumError('MALFORMED_REQUEST', { field, detail: issue?.message ?? '' });
  }
  const { format, from, to } = parsed.data;
  const medium = mediumSpec(parsed.data.medium);
  if (format === 'zpl' && !medium.zpl) {
    throw new IndiciumError('MEDIUM_UNSUPPORTED', {
      field: 'medium',
      detail: 'ZPL is for 4 × 6 thermal labels; print other media as PDF.',
    });
  }
  const { bytes, fields } = readIndicium(parsed.data.indicium);
  const symbol = encodeDataMatrix(bytes);
  const layout = layoutPage({ medium, fields, symbol, from, to });
  switch (format) {
    case 'pdf':
      return renderPdf(layout, `Indicium ${fields.mailingDate} ${medium.title}`);
    case 'png':
      return renderPng(layout);
    case 'zpl':
      return renderZpl(layout, bytes);
  }
}
