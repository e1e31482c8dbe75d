import { describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { ACCEPTED_TEST_CARDS, createFakePaymentGateway, DECLINED_TEST_CARD } from './fake-payment-gateway.js';

describe('the fake card processor (a boundary we do not own)', () => {
  it('accepts the test cards with distinct charge ids, and records voids', async () => {
    const gateway = createFakePaymentGateway();
    const ids = new Set<string>();
    for (const cardNumber of ACCEPTED_TEST_CARDS) {
      ids.add((await gateway.charge({ amountMills: 1_000, cardNumber, reference: 'r' })).chargeId);
    }
    expect(ids.size).toBe(ACCEPTED_TEST_CARDS.length);
    const [first] = ids;
    await gateway.void(first as string);
    expect(gateway.voided.has(first as string)).toBe(true);
  });

  it('declines the decline card and any unknown card with PAYMENT_DECLINED', async () => {
    const gateway = createFakePaymentGateway();
    await expectIndiciumRejection(
      () => gateway.charge({ amountMills: 1_000, cardNumber: DECLINED_TEST_CARD, reference: 'r' }),
      { code: 'PAYMENT_DECLINED', field: 'cardNumber', reason: 'declined' },
    );
    await expectIndiciumRejection(
      () => gateway.charge({ amountMills: 1_000, cardNumber: '4111111111111111', reference: 'r' }),
      { code: 'PAYMENT_DECLINED', field: 'cardNumber', reason: 'unknown-card' },
    );
  });
});
