import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { MksKeys } from '../../mks/mks-keyring.js';
import { cachesFor } from './meter-keys.js';
import { UserSecretLayout, UserSecretsAad, UserSecretsLayout } from './package-layouts.js';
import type { PsdUserSecret } from './psd-package.js';
import { readLayout } from './read-layout.js';

const NONCE = 12;
const TAG = 16;

export interface SecretsBinding {
  readonly meterId: string;
  readonly mksVersion: number;
  readonly secretsVersion: number;
}

/**
 * Encrypts every user's secrets as one AES-256-GCM blob under the package's secrets key (seed:
 * EDEK_psd), the associated data binding meter id, MKS version and secrets version. The package
 * MAC covers the blob too, so the blob is bound to the whole package version as well.
 */
export function sealUserSecrets(
  key: KeyObject,
  binding: SecretsBinding,
  secrets: ReadonlyMap<string, PsdUserSecret>,
): Uint8Array {
  const plaintext = UserSecretsLayout.encode({
    users: [...secrets.values()].map((s) => UserSecretLayout.encode(s)),
  });
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(UserSecretsAad.encode(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  return new Uint8Array(Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]));
}

/** Opens the blob of a package whose MAC was verified; cached by the blob's bytes. */
export function openUserSecrets(
  mks: MksKeys,
  key: KeyObject,
  binding: SecretsBinding,
  blob: Uint8Array | null,
): ReadonlyMap<string, PsdUserSecret> {
  if (blob === null) return new Map();
  const caches = cachesFor(mks);
  const id = `${binding.meterId}:${binding.mksVersion}:${binding.secretsVersion}:${Buffer.from(blob).toString('base64')}`;
  const hit = caches.secrets.get(id);
  if (hit !== undefined) return hit;
  if (blob.length < NONCE + TAG)
    throw new IndiciumError('PACKAGE_INTEGRITY', { field: 'package', detail: 'secrets' });
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, NONCE));
    decipher.setAAD(UserSecretsAad.encode(binding));
    decipher.setAuthTag(blob.subarray(blob.length - TAG));
    plaintext = Buffer.concat([decipher.update(blob.subarray(NONCE, blob.length - TAG)), decipher.final()]);
  } catch (cause) {
    throw new IndiciumError('PACKAGE_INTEGRITY', {
      field: 'package',
      detail: 'user secrets do not open',
      cause,
    });
  }
  const list = readLayout(UserSecretsLayout, plaintext, 'PACKAGE_INTEGRITY', 'package');
  const secrets = new Map<string, PsdUserSecret>();
  for (const bytes of list.users) {
    const secret = readLayout(UserSecretLayout, bytes, 'PACKAGE_INTEGRITY', 'package');
    secrets.set(secret.userId, secret);
  }
  plaintext.fill(0);
  caches.secrets.set(id, secrets);
  return secrets;
}
