import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  ensureOwnerOnlyDirectory,
  pathExists,
  readOwnerOnlyFile,
  writeNewOwnerOnlyFile,
} from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';

export interface ProviderKey {
  readonly privateKey: KeyObject;
  /** SPKI DER, base64: what Initialize Crypto-Card takes as the provider public key (DESIGN §4.4). */
  readonly publicKeySpki: string;
  readonly path: string;
  readonly created: boolean;
}

/**
 * The provider's ECDSA P-256 signing key (DESIGN §2, §4.4), made on first run in
 * `<dir>/provider.key.pem` (PKCS#8, mode 0600, folder 0700) and loaded after. The provider service
 * signs value downloads, licences and refunds with it; every module checks them with the public
 * half loaded at Initialize Crypto-Card. A real deployment keeps this key in the provider's HSM.
 */
export async function ensureProviderKey(dir: string): Promise<ProviderKey> {
  await ensureOwnerOnlyDirectory(dir);
  const path = providerKeyPath(dir);
  let created = false;
  if (!(await pathExists(path))) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeNewOwnerOnlyFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    created = true;
  }
  const { privateKey, publicKeySpki } = parseProviderKey(
    (await readOwnerOnlyFile(path)).toString('utf8'),
    path,
  );
  return { privateKey, publicKeySpki, path, created };
}

/** `<dir>/provider.key.pem`. */
export function providerKeyPath(dir: string): string {
  return join(dir, 'provider.key.pem');
}

/**
 * Parses a provider key's PKCS#8 PEM, refusing (`VAULT_DATA_REFUSED`, `malformed`, naming `path`)
 * anything but an ECDSA P-256 private key.
 */
export function parseProviderKey(
  pem: string,
  path: string,
): { privateKey: KeyObject; publicKeySpki: string } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw vaultDataRefused(path, 'malformed', 'not a PKCS#8 PEM private key', error);
  }
  const details = privateKey.asymmetricKeyDetails;
  if (privateKey.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') {
    throw vaultDataRefused(path, 'malformed', 'the provider key must be ECDSA P-256');
  }
  const publicKeySpki = createPublicKey(privateKey)
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
  return { privateKey, publicKeySpki };
}
