import { IndiciumError, TranslatePsdPackageBodySchema } from '@indicium/protocol';
import { openToken } from '../tokens/open-token.js';
import { sealTokenUnder } from '../tokens/seal-token.js';
import { commitPackage, nextVersion } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { openPackage } from './open-package.js';
import { meterKeysFromPkcs8, secretsKey } from './package/meter-keys.js';
import {
  INDICIUM_KEY_TOKEN_TYPE,
  PSD_KEY_GENERATION,
  SECRETS_KEY_TOKEN_TYPE,
} from './package/package-layouts.js';
import { sealUserSecrets } from './package/user-secrets.js';
import { readSecrets } from './package-secrets.js';

/**
 * Translate PSD Package (DESIGN §3.3 Translate, §3.4 rollover): re-protects a package from a dormant
 * MKS to the active one — both key tokens re-sealed, the user secrets re-encrypted under the new
 * associated data, the MAC key derived again for the new MKS version — so the old MKS can be
 * deleted. The registers, users and state do not change; a new version, checkpoint and audit entry
 * are made like for any package change. A package already under the active MKS is refused, so a
 * sweep can tell what it has done.
 */
export const translatePsdPackageCommand = definePsdCommand({
  name: 'translate-psd-package',
  summary: 'Security Officer: re-protects a package from a dormant MKS to the active one.',
  design: 'DESIGN §3.3, §3.4',
  role: 'security-officer',
  auth: 'session+logon',
  request: TranslatePsdPackageBodySchema,
  handler: (ctx, body) => {
    const opened = openPackage(ctx, body.package);
    const { pkg, keyring } = opened;
    const active = keyring.active;
    if (active === null) throw new IndiciumError('MKS_MISSING');
    if (active.version === pkg.mksVersion) {
      throw new IndiciumError('INVALID_FIELD', { field: 'package', detail: 'already under the active MKS' });
    }
    const binding = (type: string) => ({ type, ownerId: pkg.meterId, recordVersion: PSD_KEY_GENERATION });
    const pkcs8 = openToken(keyring, binding(INDICIUM_KEY_TOKEN_TYPE), pkg.indiciumKeyToken);
    const rawSecretsKey = openToken(keyring, binding(SECRETS_KEY_TOKEN_TYPE), pkg.secretsKeyToken);
    const secrets = readSecrets(opened);
    const indiciumKeyToken = sealTokenUnder(active, binding(INDICIUM_KEY_TOKEN_TYPE), pkcs8);
    const secretsKeyToken = sealTokenUnder(active, binding(SECRETS_KEY_TOKEN_TYPE), rawSecretsKey);
    const keys = meterKeysFromPkcs8(pkcs8, pkg.meterId, active.version);
    pkcs8.fill(0);
    rawSecretsKey.fill(0);
    const secretsVersion = pkg.secretsVersion + 1;
    const userSecrets =
      pkg.userSecrets === null
        ? null
        : sealUserSecrets(
            secretsKey(keyring, pkg.meterId, active.version, secretsKeyToken),
            { meterId: pkg.meterId, mksVersion: active.version, secretsVersion },
            secrets,
          );
    const next = nextVersion(pkg, {
      mksVersion: active.version,
      indiciumKeyToken,
      secretsKeyToken,
      secretsVersion,
      userSecrets,
    });
    const done = commitPackage(ctx, next, keys, active, {
      userId: null,
      amountMills: 0,
      total: 'none',
      audit: { fromMksVersion: String(pkg.mksVersion), toMksVersion: String(active.version) },
    });
    return { result: done.records, auditData: done.auditData };
  },
});
