import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  fromBase64,
  IndiciumError,
  layoutBytesOf,
  type RegistrationKeyBundle,
  RegistrationKeyBundleSig,
} from '@indicium/protocol';
import { verifyChainedCertificate } from './chained-certificate.js';

/** The two module keys a registration uses, once their bundle has verified. */
export interface RegistrationKeys {
  /** RSA-3072: the client secrets are encrypted to it (RSA-OAEP-SHA-256). */
  readonly clientSecretKey: KeyObject;
  /** ECDSA P-256: signs the registration challenge. */
  readonly registrationKey: KeyObject;
}

/**
 * DESIGN §4.2 step 1: the bundle's signer certificate must chain to the postal CA pinned at install
 * and its key must sign the bundle's canonical layout. Only then are its keys trusted: a vault (or a
 * man in the middle) that swapped the client-secret key would otherwise read the new HMK.
 * CERTIFICATE_INVALID, SIGNATURE_INVALID, or INVALID_FIELD for keys of the wrong kind.
 */
export function verifyRegistrationKeyBundle(
  bundle: RegistrationKeyBundle,
  postalCaPem: string,
  at: Date,
): RegistrationKeys {
  const { publicKey: signerKey } = verifyChainedCertificate(
    fromBase64(bundle.signerCertificate),
    postalCaPem,
    at,
    'signerCertificate',
  );
  const good = verify(
    'sha256',
    layoutBytesOf(RegistrationKeyBundleSig, bundle),
    { key: signerKey, dsaEncoding: 'ieee-p1363' },
    fromBase64(bundle.signature),
  );
  if (!good) throw new IndiciumError('SIGNATURE_INVALID', { field: 'bundle.signature' });
  const clientSecretKey = spki(bundle.clientSecretPublicKey, 'clientSecretPublicKey');
  if (
    clientSecretKey.asymmetricKeyType !== 'rsa' ||
    clientSecretKey.asymmetricKeyDetails?.modulusLength !== 3072
  ) {
    throw new IndiciumError('INVALID_FIELD', { field: 'clientSecretPublicKey', detail: 'not RSA-3072' });
  }
  const registrationKey = spki(bundle.registrationSigningPublicKey, 'registrationSigningPublicKey');
  if (
    registrationKey.asymmetricKeyType !== 'ec' ||
    registrationKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new IndiciumError('INVALID_FIELD', { field: 'registrationSigningPublicKey', detail: 'not P-256' });
  }
  return { clientSecretKey, registrationKey };
}

function spki(base64: string, field: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(fromBase64(base64)), format: 'der', type: 'spki' });
  } catch {
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'not an SPKI public key' });
  }
}
