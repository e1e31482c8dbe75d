import { IndiciumError } from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import type { CryptoCardLimits } from '../mks/mks-section.js';

/** The crypto-card's indicium and register limits (DESIGN §3.3 Initialize Crypto-Card). */
export function cardLimits(ctx: HandlerContext): CryptoCardLimits {
  const limits = ctx.nvm.get('cryptoCard').limits;
  if (limits === null)
    throw new IndiciumError('WRONG_STATE', { detail: 'the crypto-card is not initialized' });
  return limits;
}
