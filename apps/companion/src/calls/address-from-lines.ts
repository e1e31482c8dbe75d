import { IndiciumError } from '@indicium/protocol';
import { type Address, addressSchema } from '../render/address-schema.js';

/**
 * The page sends an address as its printed lines (page-calls `sender`, `recipient`); the renderer
 * takes it structured. The first line is the name, the last `CITY ST ZIP` (USPS form, optional
 * comma), the lines between the delivery lines. INVALID_INPUT names the field when it does not fit.
 */
export function addressFromLines(lines: readonly string[] | null, field: string): Address | undefined {
  if (lines === null) return undefined;
  const last = /^(.+?),?\s+([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$/.exec((lines.at(-1) ?? '').trim());
  if (lines.length < 3 || last === null) {
    throw new IndiciumError('INVALID_INPUT', {
      field,
      detail: 'an address is a name, one to three delivery lines, then "CITY ST ZIP"',
    });
  }
  const parsed = addressSchema.safeParse({
    name: lines[0],
    lines: lines.slice(1, -1),
    city: last[1],
    state: last[2],
    zip: last[3],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndiciumError('INVALID_INPUT', {
      field: `${field}.${issue?.path.join('.') ?? ''}`,
      detail: issue?.message ?? '',
    });
  }
  return parsed.data;
}
