import { generateKeyPairSync } from 'node:crypto';

/** A fresh ECDSA P-256 pair as base64 DER, the form NVM sections keep (module key, audit key). */
export function generateP256(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}
