import { IndiciumError } from '@indicium/protocol';
import { defineCommand, stay } from '../commands/command-spec.js';
import type { HandlerContext, HandlerOutcome } from '../commands/handler-context.js';
import { generateCryptoCard, updateCryptoCard } from './crypto-card.js';
import { openCryptoCard, sealCryptoCard } from './crypto-card-tokens.js';
import { keyringOf } from './mks-context.js';
import { InitializeCryptoCardRequestSchema, UpdateCryptoCardRequestSchema } from './mks-requests.js';
import type { CryptoCardSection } from './mks-section.js';

/** Stores the card and answers with its tokens (for the other modules) and its public keys. */
function answer(ctx: HandlerContext, card: CryptoCardSection, how: string): HandlerOutcome {
  const tokens = sealCryptoCard(card, keyringOf(ctx));
  ctx.nvm.set('cryptoCard', card);
  return {
    result: {
      cardVersion: card.cardVersion,
      tokens,
      registrationPublicKey: card.registrationSigningKey?.publicKeySpki ?? null,
      clientSecretPublicKey: card.clientSecretKey?.publicKeySpki ?? null,
      limits: card.limits,
    },
    auditData: { cardVersion: String(card.cardVersion), how },
  };
}

/**
 * Initialize Crypto-Card (DESIGN §3.3): generates the pool's registration signing key and
 * client-secret key, takes the postal CA certificate, provider key and limits, and answers with
 * the whole card as key tokens for the other modules (loaded there with Update Crypto-Card).
 */
export const initializeCryptoCardCommand = defineCommand({
  name: 'initialize-crypto-card',
  summary: 'Generates the shared keys, loads CA, provider key and limits; answers key tokens.',
  design: 'DESIGN §3.3',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: InitializeCryptoCardRequestSchema,
  handler: async (ctx, body) => {
    if (ctx.nvm.get('cryptoCard').cardVersion > 0) {
      throw new IndiciumError('WRONG_STATE', {
        detail: 'the crypto-card is initialized: use Update Crypto-Card',
      });
    }
    return answer(ctx, await generateCryptoCard(body, ctx.now), 'generated');
  },
});

/**
 * Update Crypto-Card (DESIGN §3.3): either loads a card from another module's tokens (never an
 * older card than the one held), or changes this card's public parameters (a new CA certificate,
 * provider key or limits), which makes a new card version to hand to the pool.
 */
export const updateCryptoCardCommand = defineCommand({
  name: 'update-crypto-card',
  summary: "Loads another module's card tokens, or changes CA certificate, provider key or limits.",
  design: 'DESIGN §3.3',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: UpdateCryptoCardRequestSchema,
  handler: (ctx, body) => {
    const current = ctx.nvm.get('cryptoCard');
    if (body.tokens !== undefined) {
      if (body.tokens.cardVersion < current.cardVersion) {
        throw new IndiciumError('TOKEN_INVALID', {
          field: 'tokens.cardVersion',
          detail: 'older than the crypto-card this module holds',
        });
      }
      return answer(ctx, openCryptoCard(body.tokens, keyringOf(ctx), ctx.now), 'loaded');
    }
    const { postalCaCertificatePem, providerPublicKey, limits } = body;
    const changes = {
      ...(postalCaCertificatePem === undefined ? {} : { postalCaCertificatePem }),
      ...(providerPublicKey === undefined ? {} : { providerPublicKey }),
      ...(limits === undefined ? {} : { limits }),
    };
    return answer(ctx, updateCryptoCard(current, changes, ctx.now), 'changed');
  },
});
