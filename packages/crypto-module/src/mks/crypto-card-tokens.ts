import { createPrivateKey, createPublicKey } from 'node:crypto';
import { canonicalLayout, decodeCanonical, IndiciumError } from '@indicium/protocol';
import { openToken } from '../tokens/open-token.js';
import { sealToken } from '../tokens/seal-token.js';
import type { TokenBinding } from '../tokens/token-format.js';
import { checkCryptoCardParameters } from './crypto-card.js';
import type { MksKeyring } from './mks-keyring.js';
import type { CryptoCardSection } from './mks-section.js';
import { decodeBase64 } from './strict-base64.js';

/**
 * The crypto-card as key tokens (DESIGN §3.3 Initialize / Update Crypto-Card): what one module hands
 * the others so the whole pool shares one registration key, one client-secret key and one set of
 * public parameters. Every token is sealed under the shared MEK and bound to the card version, so
 * parts of two cards can never be mixed and an older card is refused by a module holding a newer.
 */
export interface CryptoCardTokens {
  readonly cardVersion: number;
  /** Key token (base64) of the registration signing key, PKCS#8 DER. */
  readonly registrationSigningKey: string;
  /** Key token (base64) of the client-secret RSA key, PKCS#8 DER. */
  readonly clientSecretKey: string;
  /** Key token (base64) of the public parameters: CA certificate, provider key, limits. */
  readonly parameters: string;
}

export const CRYPTO_CARD_OWNER = 'crypto-card';
export const CryptoCardTokenType = Object.freeze({
  registrationSigningKey: 'crypto-card/registration-signing-key',
  clientSecretKey: 'crypto-card/client-secret-key',
  parameters: 'crypto-card/parameters',
} as const);

/**
 * The parameters token's plaintext. Canonical encoding rather than JSON: it is decoded inside the
 * module after authentication, and a strict decoder leaves no second way to read it.
 */
const ParametersLayout = canonicalLayout('indicium/crypto-card/parameters/v1', {
  postalCaCertificatePem: 'text',
  providerPublicKey: 'bytes',
  minPostage: 'uint',
  maxPostage: 'uint',
  maxDescendingRegister: 'uint',
  maxAscendingRegister: 'uint',
});

function binding(type: string, cardVersion: number): TokenBinding {
  return { type, ownerId: CRYPTO_CARD_OWNER, recordVersion: cardVersion };
}

/** Seals a complete card under the active MKS. */
export function sealCryptoCard(card: CryptoCardSection, keyring: MksKeyring): CryptoCardTokens {
  const { registrationSigningKey, clientSecretKey, postalCaCertificatePem, providerPublicKeySpki, limits } =
    card;
  if (
    registrationSigningKey === null ||
    clientSecretKey === null ||
    postalCaCertificatePem === null ||
    providerPublicKeySpki === null ||
    limits === null
  ) {
    throw new IndiciumError('WRONG_STATE', { detail: 'the crypto-card is not initialized' });
  }
  const seal = (type: string, plaintext: Uint8Array) =>
    Buffer.from(sealToken(keyring, binding(type, card.cardVersion), plaintext)).toString('base64');
  const parameters = ParametersLayout.encode({
    postalCaCertificatePem,
    providerPublicKey: Buffer.from(providerPublicKeySpki, 'base64'),
    ...limits,
  });
  return {
    cardVersion: card.cardVersion,
    registrationSigningKey: seal(
      CryptoCardTokenType.registrationSigningKey,
      Buffer.from(registrationSigningKey.privateKeyPkcs8, 'base64'),
    ),
    clientSecretKey: seal(
      CryptoCardTokenType.clientSecretKey,
      Buffer.from(clientSecretKey.privateKeyPkcs8, 'base64'),
    ),
    parameters: seal(CryptoCardTokenType.parameters, parameters),
  };
}

function readParameters(plaintext: Uint8Array) {
  const { label, values } = decodeCanonical(plaintext);
  const [ca, provider, ...limits] = values;
  if (
    label !== ParametersLayout.label ||
    values.length !== 6 ||
    ca?.type !== 'text' ||
    provider?.type !== 'bytes' ||
    limits.some((v) => v.type !== 'uint' || typeof v.value !== 'number')
  ) {
    throw new IndiciumError('TOKEN_INVALID', { field: 'parameters', detail: 'not crypto-card parameters' });
  }
  const [minPostage, maxPostage, maxDescendingRegister, maxAscendingRegister] = limits.map((v) =>
    v.type === 'uint' ? Number(v.value) : 0,
  ) as [number, number, number, number];
  return {
    postalCaCertificatePem: ca.value,
    providerPublicKey: Buffer.from(provider.value).toString('base64'),
    limits: { minPostage, maxPostage, maxDescendingRegister, maxAscendingRegister },
  };
}

/**
 * Opens a card from its tokens (Update Crypto-Card in another module of the pool). Each token must
 * open under an MKS this module holds, for this card version; then the public parameters and the
 * key pairs are re-checked as if an officer had typed them.
 */
export function openCryptoCard(
  tokens: CryptoCardTokens,
  keyring: MksKeyring,
  now: number,
): CryptoCardSection {
  const open = (field: keyof CryptoCardTokens & keyof typeof CryptoCardTokenType) => {
    const token = decodeBase64(tokens[field], field, 'TOKEN_INVALID', { min: 1, max: 1 << 16 });
    try {
      return openToken(keyring, binding(CryptoCardTokenType[field], tokens.cardVersion), token);
    } catch (error) {
      if (error instanceof IndiciumError && error.code === 'TOKEN_INVALID') {
        throw new IndiciumError('TOKEN_INVALID', {
          field,
          ...(error.details ? { details: error.details } : {}),
        });
      }
      throw error;
    }
  };
  const params = readParameters(open('parameters'));
  checkCryptoCardParameters(params);
  const registration = open('registrationSigningKey');
  const clientSecret = open('clientSecretKey');
  return {
    cardVersion: tokens.cardVersion,
    registrationSigningKey: publicPair(registration, 'registrationSigningKey'),
    clientSecretKey: publicPair(clientSecret, 'clientSecretKey'),
    postalCaCertificatePem: params.postalCaCertificatePem,
    providerPublicKeySpki: params.providerPublicKey,
    limits: params.limits,
    updatedAt: now,
  };
}

/** Rebuilds the stored pair (and checks the key type) from a PKCS#8 private key. */
function publicPair(pkcs8: Buffer, field: 'registrationSigningKey' | 'clientSecretKey') {
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const ok =
    field === 'registrationSigningKey'
      ? key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      : key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === 3072;
  if (!ok) throw new IndiciumError('TOKEN_INVALID', { field, detail: 'unexpected key type' });
  return {
    privateKeyPkcs8: pkcs8.toString('base64'),
    publicKeySpki: createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}
