import type { OpenedPackage } from './open-package.js';
import { secretsKey } from './package/meter-keys.js';
import type { PsdPackage, PsdUserSecret } from './package/psd-package.js';
import { openUserSecrets, sealUserSecrets } from './package/user-secrets.js';

function keyOf(opened: OpenedPackage) {
  const { pkg } = opened;
  return secretsKey(opened.keyring, pkg.meterId, pkg.mksVersion, pkg.secretsKeyToken);
}

/** The users' secrets of an opened package (decrypted once per package contents, then cached). */
export function readSecrets(opened: OpenedPackage): ReadonlyMap<string, PsdUserSecret> {
  const { pkg } = opened;
  return openUserSecrets(
    opened.mks,
    keyOf(opened),
    { meterId: pkg.meterId, mksVersion: pkg.mksVersion, secretsVersion: pkg.secretsVersion },
    pkg.userSecrets,
  );
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
