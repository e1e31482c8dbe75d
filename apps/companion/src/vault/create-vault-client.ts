import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import type { VaultClient } from '../calls/vault-client.js';
import { readConfig } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { Journal } from '../journal/journal.js';
import { administerUsers } from './administer-users.js';
import { issueIndicium } from './issue-indicium.js';
import { MeterCertificates } from './meter-certificates.js';
import { PendingRequests } from './pending-requests.js';
import { registerMeterUser } from './register-meter-user.js';
import { VaultHttp, type VaultHttpOptions } from './vault-http.js';

export interface VaultClientOptions {
  /** The companion's data folder, read on each call (the install may pin a vault after start). */
  readonly dataDir: () => string;
  readonly now?: () => Date;
  readonly http?: VaultHttpOptions;
}

/** The file of Create Indicium requests sent but not yet answered (see PendingRequests). */
export const PENDING_REQUESTS_FILE = 'pending-requests.json';
/** Meter certificates fetched from the vault, PEM by serial; re-verified on every load. */
export const METER_CERTIFICATES_DIR = 'meter-certificates';

/**
 * The companion's vault client (DESIGN §4.2, §4.3): the `VaultClient` the composition roots take.
 * Each call reads the install for the pinned vault — URL, TLS CA and postal CA; without one it is
 * CA_NOT_PINNED. Meter certificates stay cached for the client's life, per pinned vault and CA.
 *
 * @example
 * await runNativeHost({ args, env, stdin, stdout, vault: createVaultClient({ dataDir: () => resolveDataDir(env) }) });
 */
export function createVaultClient(options: VaultClientOptions): VaultClient {
  const now = options.now ?? (() => new Date());
  const caches = new Map<string, MeterCertificates>();

  const pinned = async () => {
    const paths = companionPaths(options.dataDir());
    const config = await readConfig(paths.config);
    const vault = config?.vault ?? null;
    if (vault === null)
      throw new IndiciumError('CA_NOT_PINNED', { detail: 'no vault is pinned: run install --vault' });
    const http = new VaultHttp({ url: vault.url, tlsCaPem: vault.tlsCaPem }, options.http);
    const cacheKey = JSON.stringify([vault.url, vault.tlsCaPem, vault.caPem]);
    let certificates = caches.get(cacheKey);
    if (certificates === undefined) {
      certificates = new MeterCertificates(http, vault.caPem, {
        now,
        dir: join(paths.dataDir, METER_CERTIFICATES_DIR),
      });
      caches.set(cacheKey, certificates);
    }
    return { paths, vault, http, certificates };
  };

  return {
    async reachable() {
      const config = await readConfig(companionPaths(options.dataDir()).config);
      if (config?.vault == null) return false;
      return new VaultHttp(
        { url: config.vault.url, tlsCaPem: config.vault.tlsCaPem },
        { ...options.http, timeoutMs: 3000 },
      ).reachable();
    },
    async register(request, context) {
      const { vault, http } = await pinned();
      return registerMeterUser({ http, postalCaPem: vault.caPem, now }, request, context);
    },
    async issueIndicium(request, context) {
      const { paths, vault, http, certificates } = await pinned();
      return issueIndicium(
        {
          http,
          certificates,
          pending: new PendingRequests(join(paths.dataDir, PENDING_REQUESTS_FILE)),
          journal: () => Journal.open({ file: paths.journal, lockFile: paths.journalLock }),
          vaultOrigin: new URL(vault.url).origin,
        },
        request,
        context,
      );
    },
    async adminUsers(request, context) {
      const { http } = await pinned();
      return administerUsers({ http }, request, context);
    },
  };
}
