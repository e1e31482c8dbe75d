/** The Master Key Set, share ceremony and crypto-card part of the module (DESIGN §2, §3.4). */
export type { CryptoCardParameters } from './crypto-card.js';
export { CRYPTO_CARD_OWNER, type CryptoCardTokens, CryptoCardTokenType } from './crypto-card-tokens.js';
export { FINGERPRINT_PATTERN, keyFingerprint } from './key-fingerprint.js';
export { mksCommands } from './mks-commands.js';
export { KEY_CHECK_LENGTH, keyCheckValue } from './mks-key-check.js';
export { type MksKeyring, type MksKeys, mksKeyring } from './mks-keyring.js';
export * from './mks-requests.js';
export * from './mks-section.js';
export {
  SHARE_ENVELOPE_FORMAT,
  ShareBinding,
  type ShareEnvelope,
  ShareEnvelopeSignature,
} from './share-envelope.js';
export { type SignedTransportKey, SignedTransportKeyLayout, TRANSPORT_KEY_BITS } from './transport-key.js';
