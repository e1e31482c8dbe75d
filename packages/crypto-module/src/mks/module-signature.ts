import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The module key (ECDSA P-256, DESIGN §2) as the MKS code needs it: something that signs transport
 * key exports and share envelopes (in the module, `HandlerContext.signWithModuleKey`), and the
 * public half (SPKI DER) that travels with them.
 */
export interface ModuleSigningKey {
  /** ECDSA P-256 / SHA-256, raw r‖s (64 bytes). */
  sign(message: Uint8Array): Uint8Array;
  readonly publicKeySpki: Uint8Array;
}

/** False (never a throw) for a wrong key, a wrong length or a bad signature. */
export function moduleVerify(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/** A module key made outside a module, for unit tests of the MKS pieces. */
export function standaloneModuleKey(): ModuleSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    sign: (message) => sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
  };
}
