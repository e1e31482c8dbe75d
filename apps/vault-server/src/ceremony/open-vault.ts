import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '@indicium/protocol';
import { openPostalCa } from '../ca/open-postal-ca.js';
import { writeNewOfficersFile } from '../officers/officers-file.js';
import { type AuditLog, createFileAuditLog } from '../pool/file-audit-log.js';
import { createKeyedQueue } from '../pool/keyed-queue.js';
import { listModuleSerials, nextModuleSerial } from '../pool/module-files.js';
import { createModulePool, type ModulePool, type PoolLogger } from '../pool/module-pool.js';
import { ensureOwnerOnlyDirectory, pathExists } from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';
import { type CryptoCardLimits, runFirstRunCeremony } from './first-run-ceremony.js';
import { joinPendingPath } from './import-join-kit.js';
import type { JoinKitCluster } from './join-kit.js';
import { newNodeIdentity } from './node-identity.js';
import { ensureProviderKey } from './provider-key.js';
import {
  manifestPath,
  readVaultManifest,
  VAULT_MANIFEST_FORMAT,
  type VaultManifest,
  writeVaultManifest,
} from './vault-manifest.js';

export interface OpenVaultOptions {
  readonly dataDir: string;
  /** The sample postal CA's folder (made if missing); default `<dataDir>/ca/postal`. */
  readonly postalCaDir?: string;
  /** Modules made on first run; default `os.availableParallelism()` (at least 2: a master and a clone). */
  readonly modules?: number;
  /** Shares of the first-run ceremony: n custodians per module, threshold k. Default 2 of 3. */
  readonly shares?: { readonly n: number; readonly k: number };
  readonly limits?: CryptoCardLimits;
  /** Default: a durable JSON-lines log per module (`file-audit-log.ts`). */
  readonly audit?: AuditLog;
  readonly logger?: PoolLogger;
  /** Progress lines for the operator during the first run (RSA-3072 takes seconds). */
  readonly progress?: (line: string) => void;
  readonly restartDelayMs?: number;
  /**
   * Join a cluster instead of running a first run (DESIGN §10): the cluster facts from a join kit
   * (`importJoinKit`). The node makes `modules` new modules out of service, with serials under
   * its own prefix, and runs no ceremony: `vaultctl join-modules` clones the MKS into them.
   */
  readonly join?: JoinKitCluster;
}

/** A started vault core: the pool over its modules, and what the officer endpoint needs. */
export interface OpenedVault {
  readonly pool: ModulePool;
  readonly audit: AuditLog;
  readonly firstRun: boolean;
  /** `<dataDir>/officers.json`, mode 0600. */
  readonly officersPath: string;
  manifest(): VaultManifest;
  /** Puts a module in or out of PSD service and records it in the manifest. */
  setInService(serial: string, inService: boolean, modulePublicKey?: string): Promise<void>;
  /** Records the crypto-card tokens and MKS after a rollover (for modules added later). */
  setCryptoCard(tokens: VaultManifest['cryptoCard'], mks: VaultManifest['mks']): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_SHARES = Object.freeze({ n: 3, k: 2 });

/**
 * Opens the vault's modules (DESIGN §6). On first run (no `vault.json`) it makes the postal CA and
 * the provider key if missing, creates the modules, runs the real key ceremony unattended and
 * writes the officers' credentials to `officers.json` (0600), then `vault.json`. Later runs boot
 * the same modules over their NVM (the boot rules of DESIGN §3.1 apply) and run no ceremony. A
 * first run that stopped half-way is refused rather than guessed at.
 *
 * @example
 * const vault = await openVault({ dataDir: '/var/lib/indicium', progress: (l) => log.info(l) });
 * if (vault.firstRun) log.warn(`officer credentials: ${vault.officersPath}`);
 */
export async function openVault(options: OpenVaultOptions): Promise<OpenedVault> {
  const { dataDir } = options;
  await ensureOwnerOnlyDirectory(dataDir);
  const officersPath = join(dataDir, 'officers.json');
  const audit = options.audit ?? createFileAuditLog(dataDir);
  const onAudit = (serial: string, entry: AuditEntry) => audit.append(serial, entry);
  const common = {
    dataDir,
    onAudit,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
  };
  let manifest = await readVaultManifest(dataDir);
  let pool: ModulePool;
  let firstRun = false;

  if (manifest !== null) {
    if (options.join !== undefined) {
      throw vaultDataRefused(
        manifestPath(dataDir),
        'exists',
        'this data directory is already a vault: start it without --join',
      );
    }
    const known = new Set(manifest.modules.filter((m) => m.inService).map((m) => m.serial));
    const present = await listModuleSerials(dataDir);
    for (const m of manifest.modules) {
      if (!present.includes(m.serial)) {
        throw vaultDataRefused(
          join(dataDir, 'modules', m.serial),
          'missing',
          'a module of vault.json is gone',
        );
      }
    }
    pool = await createModulePool({
      ...common,
      modules: 0,
      outOfService: present.filter((s) => !known.has(s)),
      ...(manifest.node === undefined ? {} : { serialPrefix: manifest.node.serialPrefix }),
    });
  } else {
    if ((await listModuleSerials(dataDir)).length > 0 || (await pathExists(officersPath))) {
      throw vaultDataRefused(
        manifestPath(dataDir),
        'incomplete',
        'modules or officers.json exist without vault.json: a first run stopped half-way. Move modules/ and officers.json aside to start again.',
      );
    }
    const say = options.progress ?? (() => undefined);
    if (options.join === undefined && (await pathExists(joinPendingPath(dataDir)))) {
      throw vaultDataRefused(
        joinPendingPath(dataDir),
        'incomplete',
        'this directory was joining a cluster when it stopped: start it again with the same --join',
      );
    }
    if (options.join !== undefined) {
      const joined = await joinCluster(options.join, options.modules ?? availableParallelism());
      return opened(joined.pool, joined.manifest, false);
    }
    const count = Math.max(options.modules ?? availableParallelism(), 2);
    const shares = options.shares ?? DEFAULT_SHARES;
    say(`first run: making the vault in ${dataDir}`);
    const { ca } = await openPostalCa(options.postalCaDir ?? join(dataDir, 'ca', 'postal'));
    const provider = await ensureProviderKey(join(dataDir, 'provider'));
    pool = await createModulePool({ ...common, modules: count });
    try {
      const result = await runFirstRunCeremony({
        pool,
        postalCaCertificatePem: ca.certificatePem,
        providerPublicKey: provider.publicKeySpki,
        shares,
        ...(options.limits === undefined ? {} : { limits: options.limits }),
        progress: say,
      });
      await writeNewOfficersFile(officersPath, result.officers);
      manifest = { ...result.manifest, node: newNodeIdentity('first') };
      await writeVaultManifest(dataDir, manifest);
    } catch (error) {
      await pool.close();
      await audit.close();
      throw error;
    }
    firstRun = true;
    say(`first run done: ${count} modules share MKS v${manifest.mks.version}`);
    say(
      `officer credentials written to ${officersPath} (mode 0600): hand them to the officers, then lock the file away`,
    );
  }

  return opened(pool, manifest, firstRun);

  /**
   * A node joining a cluster: `count` new modules (storage keys, empty NVM, Uninitialized) out of
   * service under the node's own serial prefix, and a vault.json listing none of them yet, written
   * last as on a first run. `setInService` adds each once `vaultctl join-modules` has cloned it.
   */
  async function joinCluster(cluster: JoinKitCluster, count: number) {
    const say = options.progress ?? (() => undefined);
    const node = newNodeIdentity('joined');
    const serials: string[] = [];
    while (serials.length < count) serials.push(nextModuleSerial(serials, node.serialPrefix));
    const joinedPool = await createModulePool({
      ...common,
      modules: count,
      outOfService: serials,
      serialPrefix: node.serialPrefix,
    });
    const joined: VaultManifest = {
      format: VAULT_MANIFEST_FORMAT,
      createdAt: new Date().toISOString(),
      ...cluster,
      modules: [],
      node,
    };
    try {
      await writeVaultManifest(dataDir, joined);
      await rm(joinPendingPath(dataDir), { force: true });
    } catch (error) {
      await joinedPool.close();
      await audit.close();
      throw error;
    }
    say(
      `joined the cluster of MKS v${cluster.mks.version} (key-check value ${cluster.mks.kcv}) as node ${node.id}: ` +
        `${serials.join(', ')} out of service until \`vaultctl join-modules\` clones the MKS into them`,
    );
    return { pool: joinedPool, manifest: joined };
  }

  function opened(pool: ModulePool, manifest: VaultManifest, firstRun: boolean): OpenedVault {
    let current = manifest;
    // One manifest write at a time, each with the latest state.
    const writes = createKeyedQueue();
    const save = () => writes.run('manifest', () => writeVaultManifest(dataDir, current));
    return {
      pool,
      audit,
      firstRun,
      officersPath,
      manifest: () => current,
      async setInService(serial, inService, modulePublicKey) {
        pool.setInService(serial, inService);
        const existing = current.modules.find((m) => m.serial === serial);
        const key = modulePublicKey ?? existing?.modulePublicKey;
        if (key === undefined) {
          throw vaultDataRefused(
            serial,
            'missing',
            'a new module needs its pinned module key to enter the manifest',
          );
        }
        const modules =
          existing === undefined
            ? [...current.modules, { serial, modulePublicKey: key, inService }]
            : current.modules.map((m) =>
                m.serial === serial ? { ...m, modulePublicKey: key, inService } : m,
              );
        current = { ...current, modules };
        await save();
      },
      async setCryptoCard(tokens, mks) {
        current = { ...current, cryptoCard: tokens, mks };
        await save();
      },
      async close() {
        await pool.close();
        await audit.close();
      },
    };
  }
}
