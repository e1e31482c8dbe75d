import { IndiciumError } from '@indicium/protocol';
import type { MailClass, RateTable } from './sample-rates-2026.js';

export interface PostageQuote {
  readonly mailClass: MailClass;
  readonly rateCategory: string;
  readonly postageMills: number;
  /** The heaviest weight this price covers, shown beside the price. */
  readonly stepOunces: number;
}

/**
 * The price of one piece from a rate table (DESIGN §8): the first weight step that covers the
 * weight. Refusals name the form field to correct: INVALID_INPUT for a class, weight or medium
 * the table does not offer, or a mailing date before the table's effective date.
 *
 * @example
 * quotePostage(SAMPLE_RATES_2026, { classId: 'first-class-letter', ounces: 1, medium: 'envelope-10', mailingDate: '2026-03-02' })
 * // → { rateCategory: 'FCLT', postageMills: 740, … }
 */
export function quotePostage(
  table: RateTable,
  piece: { classId: string; ounces: number; medium: string; mailingDate: string },
): PostageQuote {
  const mailClass = table.classes.find((c) => c.id === piece.classId);
  if (mailClass === undefined) {
    throw new IndiciumError('INVALID_INPUT', { field: 'mailClass', detail: 'Choose a mail class.' });
  }
  if (!Number.isFinite(piece.ounces) || piece.ounces <= 0) {
    throw new IndiciumError('INVALID_INPUT', { field: 'weight', detail: 'Enter the weight in ounces.' });
  }
  const step = mailClass.steps.find((s) => piece.ounces <= s.maxOunces);
  if (step === undefined) {
    const heaviest = mailClass.steps.at(-1)?.maxOunces ?? 0;
    throw new IndiciumError('INVALID_INPUT', {
      field: 'weight',
      detail: `${mailClass.label} goes up to ${heaviest} oz.`,
    });
  }
  if (!mailClass.media.some((m) => m === piece.medium)) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'medium',
      detail: `${mailClass.label} cannot be printed on this medium.`,
    });
  }
  // ISO dates compare correctly as text.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(piece.mailingDate) || piece.mailingDate < table.effectiveDate) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'mailingDate',
      detail: `These prices apply from ${table.effectiveDate}.`,
    });
  }
  return {
    mailClass,
    rateCategory: mailClass.rateCategory,
    postageMills: step.postageMills,
    stepOunces: step.maxOunces,
  };
}
