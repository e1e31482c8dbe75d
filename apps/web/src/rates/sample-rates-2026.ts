import type { Medium } from '@indicium/protocol';

/**
 * A sample rate table (DESIGN §8: "rate from a sample rate table kept as data"). The prices are
 * illustrative, shaped like a postal price list, and NOT official USPS prices: every indicium
 * Indicium prints with its sample CA is marked SAMPLE anyway. An operator with real postage
 * replaces this file with the provider's table.
 *
 * Money is integer mills (DESIGN §4). Each rate category is the 4 upper-case alphanumeric
 * characters the indicium carries at offset 36 (DESIGN §5).
 */
export interface RateStep {
  /** This price applies up to and including this weight. */
  readonly maxOunces: number;
  readonly postageMills: number;
}

export interface MailClass {
  readonly id: string;
  readonly label: string;
  readonly rateCategory: string;
  /** Media this class can be printed on (an envelope indicium only for letter-size mail). */
  readonly media: readonly Medium[];
  readonly steps: readonly RateStep[];
}

export interface RateTable {
  readonly name: string;
  /** First mailing date these prices apply to (YYYY-MM-DD). */
  readonly effectiveDate: string;
  readonly classes: readonly MailClass[];
}

export const SAMPLE_RATES_2026: RateTable = Object.freeze({
  name: 'Indicium sample rates 2026 (not official prices)',
  effectiveDate: '2026-01-18',
  classes: Object.freeze([
    {
      id: 'first-class-letter',
      label: 'First-Class Mail letter (metered)',
      rateCategory: 'FCLT',
      media: ['envelope-10', 'label-4x6', 'letter'],
      steps: [
        { maxOunces: 1, postageMills: 740 },
        { maxOunces: 2, postageMills: 1_030 },
        { maxOunces: 3, postageMills: 1_320 },
        { maxOunces: 3.5, postageMills: 1_610 },
      ],
    },
    {
      id: 'first-class-flat',
      label: 'First-Class Mail large envelope (flat)',
      rateCategory: 'FCFL',
      media: ['label-4x6', 'letter'],
      steps: [
        { maxOunces: 1, postageMills: 1_630 },
        { maxOunces: 2, postageMills: 1_900 },
        { maxOunces: 4, postageMills: 2_440 },
        { maxOunces: 8, postageMills: 3_520 },
        { maxOunces: 13, postageMills: 4_870 },
      ],
    },
    {
      id: 'ground-advantage',
      label: 'Ground parcel',
      rateCategory: 'GA01',
      media: ['label-4x6', 'letter'],
      steps: [
        { maxOunces: 4, postageMills: 5_400 },
        { maxOunces: 8, postageMills: 6_100 },
        { maxOunces: 16, postageMills: 7_750 },
        { maxOunces: 32, postageMills: 9_350 },
        { maxOunces: 80, postageMills: 12_950 },
      ],
    },
    {
      id: 'priority',
      label: 'Priority parcel',
      rateCategory: 'PM01',
      media: ['label-4x6', 'letter'],
      steps: [
        { maxOunces: 16, postageMills: 9_850 },
        { maxOunces: 32, postageMills: 11_200 },
        { maxOunces: 80, postageMills: 15_600 },
        { maxOunces: 160, postageMills: 21_400 },
      ],
    },
  ] satisfies MailClass[]),
});
