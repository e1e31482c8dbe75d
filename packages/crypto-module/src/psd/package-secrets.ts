import type { KeyObject } from 'node:crypto';
import type { OpenedPackage } from './open-package.js';
import { secretsKey } from './package/meter-keys.js';
import type { PsdPackage, PsdUserSecret } from './package/psd-package.js';
import { openUserSecrets, sealUserSecrets } from './package/user-secrets.js';

function keyOf(opened: OpenedPackage) {
  const { pkg } = opened;
  return secretsKey(opened.keyring, pkg.meterId, pkg.mksVersion, pkg.secretsKeyToken);
}

interface OpenedSecrets {
  readonly mek: KeyObject;
  readonly meterId: string;
  readonly mksVersion: number;
  readonly secretsVersion: number;
  readonly token: Uint8Array;
  readonly secrets: ReadonlyMap<string, PsdUserSecret>;
}

/**
 * Secrets already opened, by the blob object itself: a cached package keeps its blob object from
 * version to version while the secrets do not change (every Create Indicium), so the steady state
 * neither re-encodes the blob and token as cache keys nor looks them up. Held only while the blob
 * is, and only under the same MEK object (a Reset makes a new one) and the same binding.
 */
const openedByBlob = new WeakMap<Uint8Array, OpenedSecrets>();

/** The users' secrets of an opened package (decrypted once per package contents, then cached). */
export function readSecrets(opened: OpenedPackage): ReadonlyMap<string, PsdUserSecret> {
  const { pkg } = opened;
  const blob = pkg.userSecrets;
  const hit = blob === null ? undefined : openedByBlob.get(blob);
  if (
    hit !== undefined &&
    hit.mek === opened.mks.mek &&
    hit.meterId === pkg.meterId &&
    hit.mksVersion === pkg.mksVersion &&
    hit.secretsVersion === pkg.secretsVersion &&
    hit.token === pkg.secretsKeyToken
  )
    return hit.secrets;
  const secrets = openUserSecrets(
    opened.mks,
    keyOf(opened),
    { meterId: pkg.meterId, mksVersion: pkg.mksVersion, secretsVersion: pkg.secretsVersion },
    blob,
  );
  if (blob !== null) {
    openedByBlob.set(blob, {
      mek: opened.mks.mek,
      meterId: pkg.meterId,
      mksVersion: pkg.mksVersion,
      secretsVersion: pkg.secretsVersion,
      token: pkg.secretsKeyToken,
      secrets,
    });
  }
  return secrets;
}

/** The package fields for new secrets: re-encrypted under a new secrets version. */
export function writeSecrets(
  opened: OpenedPackage,
  secrets: ReadonlyMap<string, PsdUserSecret>,
): Pick<PsdPackage, 'secretsVersion' | 'userSecrets'> {
  const { pkg } = opened;
  const secretsVersion = pkg.secretsVersion + 1;
  return {
    secretsVersion,
    userSecrets: sealUserSecrets(
      keyOf(opened),
      { meterId: pkg.meterId, mksVersion: pkg.mksVersion, secretsVersion },
      secrets,
    ),
  };
}
