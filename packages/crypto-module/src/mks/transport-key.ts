import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalLayout, type ErrorCode, IndiciumError } from '@indicium/protocol';
import { FINGERPRINT_PATTERN, keyFingerprint } from './key-fingerprint.js';
import type { TransportKeyPair } from './mks-section.js';
import { type ModuleSigningKey, moduleVerify } from './module-signature.js';
import { decodeBase64 } from './strict-base64.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** RSA-OAEP-SHA-256 with 3072-bit keys carries MKS shares to a module (DESIGN §2). */
export const TRANSPORT_KEY_BITS = 3072;

/**
 * Makes a clone's transport key pair (DESIGN §3.4). Asynchronous: RSA-3072 generation takes about a
 * second, and the module's worker thread should not block its event loop for it.
 */
export async function generateTransportKeyPair(createdAt: number): Promise<TransportKeyPair> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: TRANSPORT_KEY_BITS,
    publicExponent: 0x10001,
  });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKeyPkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKeySpki: spki.toString('base64'),
    fingerprint: keyFingerprint(spki),
    createdAt,
  };
}

/**
 * What Export Transport Public Key hands a Key Custodian to carry to the source module: the TPK,
 * the clone's module key, and the clone's signature over both. The signature proves the TPK came
 * out of a module holding that module key; the custodian's fingerprint check (Export MKS Share
 * takes the fingerprint as a separate input) proves it is the module they meant.
 */
export interface SignedTransportKey {
  /** SPKI DER, base64. */
  readonly transportPublicKey: string;
  /** SPKI DER of the clone's module key (ECDSA P-256), base64. */
  readonly moduleKey: string;
  /** ECDSA P-256 raw r‖s over {@link SignedTransportKeyLayout}, base64. */
  readonly signature: string;
}

export const SignedTransportKeyLayout = canonicalLayout('indicium/mks/transport-public-key/v1', {
  transportPublicKey: 'bytes',
  moduleKey: 'bytes',
});

export function signTransportKey(
  transportKey: TransportKeyPair,
  moduleKey: ModuleSigningKey,
): SignedTransportKey {
  const transportPublicKey = Buffer.from(transportKey.publicKeySpki, 'base64');
  const signature = moduleKey.sign(
    SignedTransportKeyLayout.encode({ transportPublicKey, moduleKey: moduleKey.publicKeySpki }),
  );
  return {
    transportPublicKey: transportKey.publicKeySpki,
    moduleKey: Buffer.from(moduleKey.publicKeySpki).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  };
}

export interface VerifiedTransportKey {
  readonly publicKey: KeyObject;
  readonly fingerprint: string;
  readonly moduleKeyFingerprint: string;
}

function importKey(der: Buffer, field: string, code: ErrorCode): KeyObject {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (cause) {
    throw new IndiciumError(code, { field, detail: 'not an SPKI public key', cause });
  }
}

/**
 * Checks a signed TPK before any share is encrypted to it: shape, RSA-3072, the clone's signature,
 * and the fingerprint the Key Custodian confirmed (SHARE_WRONG_DESTINATION when it differs).
 */
export function verifyTransportKey(
  signed: SignedTransportKey,
  expectedFingerprint: string,
): VerifiedTransportKey {
  if (typeof expectedFingerprint !== 'string' || !FINGERPRINT_PATTERN.test(expectedFingerprint)) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'destinationFingerprint',
      detail: '64 lowercase hex digits',
    });
  }
  const tpkDer = decodeBase64(signed?.transportPublicKey, 'transportPublicKey', 'INVALID_FIELD', {
    min: 1,
    max: 1024,
  });
  const moduleDer = decodeBase64(signed.moduleKey, 'moduleKey', 'INVALID_FIELD', { min: 1, max: 256 });
  const signature = decodeBase64(signed.signature, 'signature', 'SIGNATURE_INVALID', { min: 64, max: 64 });
  const publicKey = importKey(tpkDer, 'transportPublicKey', 'INVALID_FIELD');
  if (
    publicKey.asymmetricKeyType !== 'rsa' ||
    publicKey.asymmetricKeyDetails?.modulusLength !== TRANSPORT_KEY_BITS
  ) {
    throw new IndiciumError('INVALID_FIELD', { field: 'transportPublicKey', detail: 'must be RSA-3072' });
  }
  const moduleKey = importKey(moduleDer, 'moduleKey', 'INVALID_FIELD');
  if (moduleKey.asymmetricKeyType !== 'ec' || moduleKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new IndiciumError('INVALID_FIELD', { field: 'moduleKey', detail: 'must be ECDSA P-256' });
  }
  const message = SignedTransportKeyLayout.encode({ transportPublicKey: tpkDer, moduleKey: moduleDer });
  if (!moduleVerify(moduleKey, message, signature)) {
    throw new IndiciumError('SIGNATURE_INVALID', { field: 'signature', detail: 'transport key signature' });
  }
  const fingerprint = keyFingerprint(tpkDer);
  if (fingerprint !== expectedFingerprint) {
    throw new IndiciumError('SHARE_WRONG_DESTINATION', {
      field: 'destinationFingerprint',
      detail: 'the transport key is not the one the Key Custodian confirmed',
    });
  }
  return { publicKey, fingerprint, moduleKeyFingerprint: keyFingerprint(moduleDer) };
}
