import { join } from 'node:path';
import { loadCertificateAuthority } from '../ca/ca-store.js';
import { POSTAL_CA_NAME } from '../ca/open-postal-ca.js';
import { readServerSecrets, SERVER_SECRETS_FILE } from '../config/server-secrets.js';
import { pathExists, readOwnerOnlyFile, writeNewOwnerOnlyFile } from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';
import { type JoinKitContents, sealJoinKit } from './join-kit.js';
import { parseProviderKey, providerKeyPath } from './provider-key.js';
import { manifestPath, readVaultManifest } from './vault-manifest.js';

/** The folders of a data directory the kit's secrets live in (the same ones `main.ts` opens). */
export const JOIN_KIT_DIRS = Object.freeze({
  postalCa: (dataDir: string) => join(dataDir, 'ca', 'postal'),
  provider: (dataDir: string) => join(dataDir, 'provider'),
  secrets: (dataDir: string) => join(dataDir, 'secrets'),
});

/**
 * Reads what a joining node needs from the data directory of a node that finished its first run
 * (or joined earlier), each file through the loader that checks it, so a kit never carries a key
 * the vault itself would refuse. Refuses `VAULT_DATA_REFUSED` (`missing`) naming the file when the
 * directory is not a finished vault's. Reads files only: the vault may be running or stopped.
 */
export async function collectJoinKitContents(dataDir: string): Promise<JoinKitContents> {
  const manifest = await readVaultManifest(dataDir);
  if (manifest === null) {
    throw vaultDataRefused(
      manifestPath(dataDir),
      'missing',
      'no vault.json: export the kit from a node of the cluster whose first run finished',
    );
  }
  const ca = await loadCertificateAuthority(JOIN_KIT_DIRS.postalCa(dataDir), POSTAL_CA_NAME);
  const providerPath = providerKeyPath(JOIN_KIT_DIRS.provider(dataDir));
  if (!(await pathExists(providerPath))) throw vaultDataRefused(providerPath, 'missing', 'no provider key');
  const providerPem = (await readOwnerOnlyFile(providerPath)).toString('utf8');
  parseProviderKey(providerPem, providerPath);
  const secrets = await readServerSecrets(JOIN_KIT_DIRS.secrets(dataDir));
  if (secrets === null) {
    throw vaultDataRefused(
      join(JOIN_KIT_DIRS.secrets(dataDir), SERVER_SECRETS_FILE),
      'missing',
      'no server secrets: start the vault once before exporting a kit',
    );
  }
  return {
    createdAt: new Date().toISOString(),
    fromNode: manifest.node?.id ?? null,
    postalCa: {
      certificatePem: ca.certificatePem,
      privateKeyPem: ca.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
    providerPrivateKeyPem: providerPem,
    sessionKey: secrets.sessionKey.toString('base64'),
    cluster: {
      master: manifest.master,
      mks: manifest.mks,
      shares: manifest.shares,
      cryptoCard: manifest.cryptoCard,
      ...(manifest.cardPublicKeys === undefined ? {} : { cardPublicKeys: manifest.cardPublicKeys }),
    },
  };
}

/**
 * `vaultctl export-join-kit` (DESIGN §10): seals the cluster's shared secrets from `dataDir` under
 * `passphrase` into the new file `out` (mode 0600; never over an existing file).
 *
 * @example
 * await exportJoinKit({ dataDir: '/srv/a', out: '/tmp/node-b.kit', passphrase });
 */
export async function exportJoinKit(options: {
  readonly dataDir: string;
  readonly out: string;
  readonly passphrase: string;
}): Promise<{ readonly path: string; readonly contents: JoinKitContents }> {
  const contents = await collectJoinKitContents(options.dataDir);
  const sealed = await sealJoinKit(contents, options.passphrase);
  await writeNewOwnerOnlyFile(options.out, sealed);
  return { path: options.out, contents };
}
