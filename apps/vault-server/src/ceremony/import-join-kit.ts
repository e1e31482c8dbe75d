import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { caFilePaths, saveCertificateAuthority } from '../ca/ca-store.js';
import { certificateAuthorityFromPem } from '../ca/certificate-authority.js';
import { POSTAL_CA_NAME } from '../ca/open-postal-ca.js';
import { SERVER_SECRETS_FILE, writeServerSecrets } from '../config/server-secrets.js';
import { ensureOwnerOnlyDirectory, pathExists, writeNewOwnerOnlyFile } from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';
import { JOIN_KIT_DIRS } from './export-join-kit.js';
import { type JoinKitCluster, openJoinKit } from './join-kit.js';
import { parseProviderKey, providerKeyPath } from './provider-key.js';
import { manifestPath } from './vault-manifest.js';

/**
 * `vault --join FILE` (DESIGN §10): opens the join kit with `passphrase` and writes its secrets
 * into `dataDir` — the postal CA, the provider key and the session key, each where the vault
 * opens it — and returns the cluster facts `openVault` makes the node's vault.json from. Nothing is
 * written unless the kit opens, every key in it parses as the vault would load it, and none of
 * the files exists yet: a directory that already belongs to a vault is refused
 * (`VAULT_DATA_REFUSED`, `exists`). Wrong passphrase: `PASSPHRASE_WRONG`; damaged or altered kit:
 * `JOIN_KIT_REFUSED`.
 *
 * @example
 * const cluster = await importJoinKit({ dataDir, kitPath: '/tmp/node-b.kit', passphrase });
 * const vault = await openVault({ dataDir, modules: 2, join: cluster });
 */
export async function importJoinKit(options: {
  readonly dataDir: string;
  readonly kitPath: string;
  readonly passphrase: string;
}): Promise<JoinKitCluster> {
  const { dataDir } = options;
  let text: string;
  try {
    text = await readFile(options.kitPath, 'utf8');
  } catch (cause) {
    throw vaultDataRefused(options.kitPath, 'missing', 'cannot read the join kit', cause);
  }
  const kit = await openJoinKit(text, options.passphrase);
  const ca = await certificateAuthorityFromPem(kit.postalCa.certificatePem, kit.postalCa.privateKeyPem);
  const providerDir = JOIN_KIT_DIRS.provider(dataDir);
  parseProviderKey(kit.providerPrivateKeyPem, providerKeyPath(providerDir));

  const caFiles = caFilePaths(JOIN_KIT_DIRS.postalCa(dataDir), POSTAL_CA_NAME);
  const targets = [
    manifestPath(dataDir),
    join(dataDir, 'officers.json'),
    join(dataDir, 'modules'),
    caFiles.certificate,
    caFiles.privateKey,
    providerKeyPath(providerDir),
    join(JOIN_KIT_DIRS.secrets(dataDir), SERVER_SECRETS_FILE),
  ];
  for (const path of targets) {
    if (await pathExists(path)) {
      throw vaultDataRefused(
        path,
        'exists',
        '--join needs a data directory no vault has used: start this one without --join, or join with an empty --data-dir',
      );
    }
  }
  await saveCertificateAuthority(JOIN_KIT_DIRS.postalCa(dataDir), POSTAL_CA_NAME, ca);
  await ensureOwnerOnlyDirectory(providerDir);
  await writeNewOwnerOnlyFile(providerKeyPath(providerDir), kit.providerPrivateKeyPem);
  await writeServerSecrets(JOIN_KIT_DIRS.secrets(dataDir), {
    sessionKey: Buffer.from(kit.sessionKey, 'base64'),
  });
  return kit.cluster;
}
