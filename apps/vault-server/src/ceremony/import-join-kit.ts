import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { caFilePaths, loadCertificateAuthority, saveCertificateAuthority } from '../ca/ca-store.js';
import { certificateAuthorityFromPem } from '../ca/certificate-authority.js';
import { POSTAL_CA_NAME } from '../ca/open-postal-ca.js';
import { writeNewPrivateFile } from '../ca/private-files.js';
import { readServerSecrets, SERVER_SECRETS_FILE, writeServerSecrets } from '../config/server-secrets.js';
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
 * written unless the kit opens and every key in it parses as the vault would load it. A directory
 * that is already a vault (vault.json, officers.json or modules/), or holds other keys, is refused
 * (`VAULT_DATA_REFUSED`, `exists`); one holding exactly this kit's secrets (a join that stopped
 * before its vault.json) is taken as it is, and one holding some of them beside its `join.pending`
 * (a join that stopped while writing them) gets the rest. Wrong passphrase: `PASSPHRASE_WRONG`; damaged or
 * altered kit: `JOIN_KIT_REFUSED`.
 *
 * @example
 * const cluster = await importJoinKit({ dataDir, kitPath: '/tmp/node-b.kit', passphrase });
 * const vault = await openVault({ dataDir, modules: 2, join: cluster });
 */
/**
 * `<dataDir>/join.pending`: written before the kit's secrets, removed once vault.json exists.
 * While it is there the directory may only be started with `--join` again: a first run over the
 * cluster's postal CA would make a second MKS, and plain `M0001` serials, on the shared database.
 */
export function joinPendingPath(dataDir: string): string {
  return join(dataDir, 'join.pending');
}

async function readIfExists(path: string): Promise<string | null> {
  return (await pathExists(path)) ? readFile(path, 'utf8') : null;
}

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
  const secretsPath = join(JOIN_KIT_DIRS.secrets(dataDir), SERVER_SECRETS_FILE);
  for (const path of [manifestPath(dataDir), join(dataDir, 'officers.json'), join(dataDir, 'modules')]) {
    if (await pathExists(path)) {
      throw vaultDataRefused(
        path,
        'exists',
        'this data directory is already a vault (start it without --join), or a first run stopped half-way',
      );
    }
  }
  // The secrets are written first and vault.json last: a start that stopped in between (the
  // database unreachable, say) finds exactly this kit's secrets here and goes on with the same
  // --join. Anything else here is another vault's, and is never overwritten.
  const written = {
    caKey: await readIfExists(caFiles.privateKey),
    caCertificate: await readIfExists(caFiles.certificate),
    provider: await readIfExists(providerKeyPath(providerDir)),
    secrets: await readIfExists(secretsPath),
  };
  const present = Object.values(written).filter((v) => v !== null).length;
  if (present === 0) {
    await ensureOwnerOnlyDirectory(dataDir);
    await writeNewOwnerOnlyFile(
      joinPendingPath(dataDir),
      `${JSON.stringify({ fromNode: kit.fromNode, startedAt: new Date().toISOString() })}\n`,
    );
    await saveCertificateAuthority(JOIN_KIT_DIRS.postalCa(dataDir), POSTAL_CA_NAME, ca);
    await ensureOwnerOnlyDirectory(providerDir);
    await writeNewOwnerOnlyFile(providerKeyPath(providerDir), kit.providerPrivateKeyPem);
    await writeServerSecrets(JOIN_KIT_DIRS.secrets(dataDir), {
      sessionKey: Buffer.from(kit.sessionKey, 'base64'),
    });
  } else {
    // Every file here must be this kit's; fewer than all only beside join.pending, which the first
    // run wrote before any key (it stopped while writing them, in the order above).
    const caKeyPem = ca.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const secrets = written.secrets === null ? null : await readServerSecrets(JOIN_KIT_DIRS.secrets(dataDir));
    const same =
      (present === 4 || (await pathExists(joinPendingPath(dataDir)))) &&
      (written.caKey === null || written.caKey === caKeyPem) &&
      (written.caCertificate === null || written.caCertificate === kit.postalCa.certificatePem) &&
      (written.provider === null || written.provider === kit.providerPrivateKeyPem) &&
      (secrets === null || secrets.sessionKey.toString('base64') === kit.sessionKey) &&
      (written.caKey === null ||
        written.caCertificate === null ||
        (await loadCertificateAuthority(JOIN_KIT_DIRS.postalCa(dataDir), POSTAL_CA_NAME)).privateKey.equals(
          ca.privateKey,
        ));
    if (!same) {
      throw vaultDataRefused(
        dataDir,
        'exists',
        '--join needs an empty data directory: keys of another vault are already here',
      );
    }
    if (written.caKey === null && written.caCertificate === null) {
      await saveCertificateAuthority(JOIN_KIT_DIRS.postalCa(dataDir), POSTAL_CA_NAME, ca);
    } else {
      if (written.caKey === null) await writeNewPrivateFile(caFiles.privateKey, caKeyPem);
      if (written.caCertificate === null) await writeNewPrivateFile(caFiles.certificate, ca.certificatePem);
    }
    if (written.provider === null) {
      await ensureOwnerOnlyDirectory(providerDir);
      await writeNewOwnerOnlyFile(providerKeyPath(providerDir), kit.providerPrivateKeyPem);
    }
    if (secrets === null) {
      await writeServerSecrets(JOIN_KIT_DIRS.secrets(dataDir), {
        sessionKey: Buffer.from(kit.sessionKey, 'base64'),
      });
    }
  }
  return kit.cluster;
}
