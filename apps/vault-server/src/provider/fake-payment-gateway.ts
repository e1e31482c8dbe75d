import { randomUUID } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';

/**
 * FAKE — the card processor is a boundary Indicium does not own (STYLE "Use real parts. Fakes are
 * only for boundaries we do not own"). This stands in for it in the sample vault: it moves no
 * money, accepts the well-known test card numbers below and declines the one reserved for that.
 * A real deployment replaces it with the provider's payment processor behind the same interface.
 */
export interface PaymentGateway {
  /** Authorises and captures `amountMills`; throws PAYMENT_DECLINED. */
  charge(request: {
    amountMills: number;
    cardNumber: string;
    reference: string;
  }): Promise<{ chargeId: string }>;
  /** Gives back a charge whose postage could not be delivered. */
  void(chargeId: string): Promise<void>;
}

/** Test cards the fake accepts (the usual processor test numbers). */
export const ACCEPTED_TEST_CARDS = Object.freeze([
  '4242424242424242',
  '5555555555554444',
  '4000056655665556',
]);
/** The test card the fake always declines. */
export const DECLINED_TEST_CARD = '4000000000000002';
/** Used when the web UI sends no card (the sample vault's default payment). */
export const DEFAULT_TEST_CARD = '4242424242424242';

export function createFakePaymentGateway(): PaymentGateway & { readonly voided: ReadonlySet<string> } {
  const voided = new Set<string>();
  return {
    voided,
    async charge({ cardNumber }) {
      if (!ACCEPTED_TEST_CARDS.includes(cardNumber)) {
        throw new IndiciumError('PAYMENT_DECLINED', {
          field: 'cardNumber',
          details: { reason: cardNumber === DECLINED_TEST_CARD ? 'declined' : 'unknown-card' },
        });
      }
      return { chargeId: `fake_${randomUUID()}` };
    },
    async void(chargeId) {
      voided.add(chargeId);
    },
  };
}
