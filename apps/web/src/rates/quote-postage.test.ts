import { IndiciumError, PostageMillsSchema, RateCategorySchema } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { quotePostage } from './quote-postage.js';
import { SAMPLE_RATES_2026 } from './sample-rates-2026.js';

const piece = { classId: 'first-class-letter', ounces: 1, medium: 'envelope-10', mailingDate: '2026-03-02' };

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('the sample rate table (DESIGN §5, §8)', () => {
  it('has an effective date and a codec-valid rate category and postage for every step', () => {
    expect(SAMPLE_RATES_2026.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const mailClass of SAMPLE_RATES_2026.classes) {
      expect(RateCategorySchema.safeParse(mailClass.rateCategory).success).toBe(true);
      expect(mailClass.rateCategory).toMatch(/^[A-Z0-9]{4}$/);
      let previous = 0;
      for (const step of mailClass.steps) {
        expect(PostageMillsSchema.safeParse(step.postageMills).success).toBe(true);
        expect(step.maxOunces).toBeGreaterThan(previous);
        previous = step.maxOunces;
      }
    }
    const ids = SAMPLE_RATES_2026.classes.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('quotePostage', () => {
  it('prices a 1 oz letter on a #10 envelope from the first step', () => {
    const quote = quotePostage(SAMPLE_RATES_2026, piece);
    expect(quote).toMatchObject({ rateCategory: 'FCLT', postageMills: 740, stepOunces: 1 });
  });

  it('takes the first step that covers the weight, boundaries included', () => {
    expect(quotePostage(SAMPLE_RATES_2026, { ...piece, ounces: 1.01 }).postageMills).toBe(1_030);
    expect(quotePostage(SAMPLE_RATES_2026, { ...piece, ounces: 3.5 }).postageMills).toBe(1_610);
    const parcel = { ...piece, classId: 'priority', medium: 'label-4x6', ounces: 17 };
    expect(quotePostage(SAMPLE_RATES_2026, parcel)).toMatchObject({
      rateCategory: 'PM01',
      postageMills: 11_200,
    });
  });

  it('refuses, naming the field: unknown class, no weight, too heavy, wrong medium, date before the table', () => {
    expect(refusal(() => quotePostage(SAMPLE_RATES_2026, { ...piece, classId: 'x' }))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'mailClass',
    });
    for (const ounces of [0, -1, Number.NaN]) {
      expect(refusal(() => quotePostage(SAMPLE_RATES_2026, { ...piece, ounces })).field).toBe('weight');
    }
    const heavy = refusal(() => quotePostage(SAMPLE_RATES_2026, { ...piece, ounces: 3.6 }));
    expect(heavy).toMatchObject({ code: 'INVALID_INPUT', field: 'weight' });
    expect(heavy.message).toContain('3.5 oz');
    const flatOnEnvelope = { ...piece, classId: 'first-class-flat' };
    expect(refusal(() => quotePostage(SAMPLE_RATES_2026, flatOnEnvelope)).field).toBe('medium');
    for (const mailingDate of ['2026-01-17', '2026-1-30', '']) {
      expect(refusal(() => quotePostage(SAMPLE_RATES_2026, { ...piece, mailingDate })).field).toBe(
        'mailingDate',
      );
    }
  });
});
