import { formatDeviceId, formatMills, type IndiciumFields } from '@indicium/protocol';

/** DESIGN's legal note: printed whenever the SAMPLE flag is set, on every medium and output. */
export const SAMPLE_TEXT = 'SAMPLE – NOT VALID POSTAGE';

/** How a line is set: the warning and the amount stand out; the rest is small print. */
export type IndiciumLineStyle = 'warning' | 'amount' | 'kind' | 'detail';

export interface IndiciumTextLine {
  readonly text: string;
  readonly style: IndiciumLineStyle;
}

const KIND_TEXT = Object.freeze({ postage: null, correction: 'CORRECTION', refund: 'REFUND' } as const);

/**
 * The human-readable block beside the Data Matrix (DESIGN §5 "Printed form"): the SAMPLE warning
 * while the flag is set, then postage, kind when it is not plain postage, mailing date, origin ZIP,
 * rate category and device id. Every value comes from the parsed indicium, never from the request,
 * so the words cannot claim anything the signed bytes do not.
 *
 * @example indiciumTextLines(fields)[0] // { text: 'SAMPLE – NOT VALID POSTAGE', style: 'warning' }
 */
export function indiciumTextLines(fields: IndiciumFields): IndiciumTextLine[] {
  const lines: IndiciumTextLine[] = [];
  if (fields.sample) lines.push({ text: SAMPLE_TEXT, style: 'warning' });
  lines.push({ text: formatMills(fields.postageMills), style: 'amount' });
  const kind = KIND_TEXT[fields.kind];
  if (kind !== null) lines.push({ text: kind, style: 'kind' });
  lines.push(
    { text: `Mailed ${fields.mailingDate}`, style: 'detail' },
    { text: `From ZIP ${fields.originZip}`, style: 'detail' },
    { text: `Rate ${fields.rateCategory}`, style: 'detail' },
    { text: `ID ${formatDeviceId(fields)}`, style: 'detail' },
  );
  return lines;
}
