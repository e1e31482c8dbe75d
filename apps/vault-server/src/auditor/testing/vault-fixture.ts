import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import type { DialectHarness, StoreDialect } from '../../../test/support/store-dialects.js';
import { type OpenedVault, openVault } from '../../ceremony/open-vault.js';
import { OfficerSession } from '../../officers/officer-session.js';
import { readOfficersFile } from '../../officers/officers-file.js';
import type { Store } from '../../store/store.js';
import { createStoreAuditLog } from '../store-audit-log.js';

/**
 * A real vault core for tests: a store of either dialect (issue 8), first-run ceremony, the store
 * as the audit sink.
 */
export interface VaultFixture {
  readonly dataDir: string;
  readonly store: Store;
  readonly vault: OpenedVault;
  /** The database itself, for reads and edits behind the vault (`$1`… placeholders). */
  readonly db: DialectHarness;
  /** What a logger wrote, one parsed JSON object per line. */
  readonly logLines: Record<string, unknown>[];
  readonly log: Logger;
  readonly registry: Registry;
  /** An officer session on one module with all its first-run officers. */
  session(serial: string): Promise<OfficerSession>;
  pinned(serial: string): string | undefined;
  close(): Promise<void>;
}

export async function openVaultFixture(modules: number, dialect: StoreDialect): Promise<VaultFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'indicium-auditor-'));
  const db = await dialect.harness();
  const store = await db.open();
  const vault = await openVault({ dataDir, modules, audit: createStoreAuditLog(store) });
  const logLines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'trace' },
    { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const pinned = (serial: string) =>
    vault.manifest().modules.find((m) => m.serial === serial)?.modulePublicKey;
  return {
    dataDir,
    store,
    vault,
    db,
    logLines,
    log,
    registry: new Registry(),
    pinned,
    async session(serial) {
      const credentials = (await readOfficersFile(vault.officersPath)).modules.find(
        (m) => m.serial === serial,
      );
      if (credentials === undefined) throw new Error(`no credentials for ${serial}`);
      const session = new OfficerSession(
        { dispatch: (r) => vault.pool.dispatch(r, { module: serial }) },
        {
          moduleSerial: serial,
          modulePublicKey: credentials.modulePublicKey,
          officers: credentials.officers,
        },
      );
      await session.open();
      return session;
    },
    async close() {
      await vault.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
