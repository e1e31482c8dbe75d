import type { CompanionConfig } from '../config/companion-config.js';
import type { CompanionPaths } from '../config/companion-paths.js';
import { probeVault } from '../install/pinned-vault.js';
import { Journal } from '../journal/journal.js';
import { SecretStore } from '../secrets/secret-store.js';
import type { CallDependencies } from './page-call-table.js';
import type { VaultClient } from './vault-client.js';

/**
 * The handlers' shared parts for one session (a host process or one CLI command): the secrets,
 * locked until unlocked; the journal, opened on first use; the vault client when there is one.
 */
export function createCallDependencies(
  paths: CompanionPaths,
  config: CompanionConfig,
  vault?: VaultClient | undefined,
): CallDependencies {
  const secrets = new SecretStore({ file: paths.secrets, idleTimeoutMs: config.idleTimeoutSeconds * 1000 });
  let journal: Promise<Journal> | undefined;
  return {
    config,
    secrets,
    journal: () => {
      journal ??= Journal.open({ file: paths.journal, lockFile: paths.journalLock });
      // A journal that failed to open is tried again on the next call rather than cached broken.
      journal.catch(() => {
        journal = undefined;
      });
      return journal;
    },
    vault,
    probeVault: () =>
      config.vault === null ? Promise.resolve(false) : probeVault(config.vault).then((p) => p.reachable),
  };
}
