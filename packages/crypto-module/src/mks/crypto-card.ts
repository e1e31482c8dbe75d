import { createPublicKey, generateKeyPair, type KeyObject, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { IndiciumError } from '@indicium/protocol';
import type { CryptoCardLimits, CryptoCardSection, StoredKeyPair } from './mks-section.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The public inputs of Initialize / Update Crypto-Card (DESIGN §3.3). */
export interface CryptoCardParameters {
  readonly postalCaCertificatePem: string;
  /** SPKI DER, base64, ECDSA P-256. */
  readonly providerPublicKey: string;
  readonly limits: CryptoCardLimits;
}

/** Largest values the indicium layout can carry (DESIGN §5): postage uint24, DR uint32, AR uint40. */
const LIMIT_CEILINGS: Readonly<Record<keyof CryptoCardLimits, number>> = Object.freeze({
  minPostage: 0xff_ffff,
  maxPostage: 0xff_ffff,
  maxDescendingRegister: 0xffff_ffff,
  maxAscendingRegister: 2 ** 40 - 1,
});

function checkLimits(limits: CryptoCardLimits): void {
  for (const [name, ceiling] of Object.entries(LIMIT_CEILINGS) as [keyof CryptoCardLimits, number][]) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 0 || value > ceiling) {
      throw new IndiciumError('INVALID_FIELD', { field: `limits.${name}`, detail: `mills, 0..${ceiling}` });
    }
  }
  if (limits.minPostage < 1 || limits.minPostage > limits.maxPostage) {
    throw new IndiciumError('INVALID_FIELD', { field: 'limits.minPostage', detail: 'must be 1..maxPostage' });
  }
  if (limits.maxPostage > limits.maxDescendingRegister) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'limits.maxPostage',
      detail: 'one indicium cannot exceed the largest descending register',
    });
  }
}

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/**
 * Checks what an officer loads into the crypto-card before anything is stored: the postal CA
 * certificate must be a CA certificate with an ECDSA P-256 key (it authenticates the Certificate
 * Authority role, DESIGN §3.2), the provider key an ECDSA P-256 public key (DESIGN §4.4), and the
 * limits must fit the indicium's fields (DESIGN §5).
 */
export function checkCryptoCardParameters(params: CryptoCardParameters): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(params.postalCaCertificatePem);
  } catch (cause) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'postalCaCertificatePem',
      detail: 'not X.509',
      cause,
    });
  }
  if (!certificate.ca || !isP256(certificate.publicKey)) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'postalCaCertificatePem',
      detail: 'must be a CA certificate with an ECDSA P-256 key',
    });
  }
  let provider: KeyObject;
  try {
    provider = createPublicKey({
      key: Buffer.from(params.providerPublicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
  } catch (cause) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'providerPublicKey',
      detail: 'not an SPKI public key',
      cause,
    });
  }
  if (!isP256(provider)) {
    throw new IndiciumError('INVALID_FIELD', { field: 'providerPublicKey', detail: 'must be ECDSA P-256' });
  }
  checkLimits(params.limits);
}

async function keyPair(kind: 'ec' | 'rsa'): Promise<StoredKeyPair> {
  const { publicKey, privateKey } =
    kind === 'ec'
      ? await generateKeyPairAsync('ec', { namedCurve: 'P-256' })
      : await generateKeyPairAsync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
  return {
    privateKeyPkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/**
 * Initialize Crypto-Card (DESIGN §3.3): generates the pool's registration signing key (ECDSA
 * P-256) and client-secret key (RSA-OAEP-3072) and takes the public parameters.
 *
 * @example
 * const card = await generateCryptoCard({ postalCaCertificatePem, providerPublicKey, limits }, now);
 */
export async function generateCryptoCard(
  params: CryptoCardParameters,
  now: number,
): Promise<CryptoCardSection> {
  checkCryptoCardParameters(params);
  const [registrationSigningKey, clientSecretKey] = await Promise.all([keyPair('ec'), keyPair('rsa')]);
  return {
    cardVersion: 1,
    registrationSigningKey,
    clientSecretKey,
    postalCaCertificatePem: params.postalCaCertificatePem,
    providerPublicKeySpki: params.providerPublicKey,
    limits: { ...params.limits },
    updatedAt: now,
  };
}

/** Update Crypto-Card with new public parameters: same keys, next card version. */
export function updateCryptoCard(
  card: CryptoCardSection,
  changes: Partial<CryptoCardParameters>,
  now: number,
): CryptoCardSection {
  if (card.postalCaCertificatePem === null || card.providerPublicKeySpki === null || card.limits === null) {
    throw new IndiciumError('WRONG_STATE', { detail: 'the crypto-card is not initialized' });
  }
  const params: CryptoCardParameters = {
    postalCaCertificatePem: changes.postalCaCertificatePem ?? card.postalCaCertificatePem,
    providerPublicKey: changes.providerPublicKey ?? card.providerPublicKeySpki,
    limits: changes.limits ?? card.limits,
  };
  checkCryptoCardParameters(params);
  return {
    ...card,
    cardVersion: card.cardVersion + 1,
    postalCaCertificatePem: params.postalCaCertificatePem,
    providerPublicKeySpki: params.providerPublicKey,
    limits: { ...params.limits },
    updatedAt: now,
  };
}
