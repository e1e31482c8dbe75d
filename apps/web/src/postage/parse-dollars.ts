import { IndiciumError } from '@indicium/protocol';

/**
 * A typed dollar amount ('25', '25.5', '1,000.00', '$0.735') to integer mills (DESIGN §4: money is
 * mills, never a float). At most three decimals, so no amount is silently rounded.
 */
export function parseDollars(text: string, field: string): number {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,/g, '');
  const match = /^(\d{1,9})(?:\.(\d{1,3}))?$/.exec(cleaned);
  if (match === null) {
    throw new IndiciumError('INVALID_INPUT', {
      field,
      detail: 'Enter an amount in dollars, such as 20 or 12.50.',
    });
  }
  const mills = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  if (mills === 0)
    throw new IndiciumError('INVALID_INPUT', { field, detail: 'The amount must be more than zero.' });
  return mills;
}
