import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import { type OpenedVault, openVault } from '../../ceremony/open-vault.js';
import { OfficerSession } from '../../officers/officer-session.js';
import { readOfficersFile } from '../../officers/officers-file.js';
import { createStore } from '../../store/create-store.js';
import type { Store } from '../../store/store.js';
import { createStoreAuditLog } from '../store-audit-log.js';

/** A real vault core for tests: SQLite store, first-run ceremony, the store as the audit sink. */
export interface VaultFixture {
  readonly dataDir: string;
  readonly store: Store;
  readonly vault: OpenedVault;
  readonly dbPath: string;
  /** What a logger wrote, one parsed JSON object per line. */
  readonly logLines: Record<string, unknown>[];
  readonly log: Logger;
  readonly registry: Registry;
  /** Runs `fn` on a second connection to the database, as someone editing it behind the vault. */
  tamper(fn: (db: Database.Database) => void): void;
  /** An officer session on one module with all its first-run officers. */
  session(serial: string): Promise<OfficerSession>;
  pinned(serial: string): string | undefined;
  close(): Promise<void>;
}

export async function openVaultFixture(modules: number): Promise<VaultFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'indicium-auditor-'));
  const dbPath = join(dataDir, 'vault.db');
  const store = await createStore({ kind: 'sqlite', path: dbPath });
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
    dbPath,
    logLines,
    log,
    registry: new Registry(),
    pinned,
    tamper(fn) {
      const db = new Database(dbPath);
      try {
        fn(db);
      } finally {
        db.close();
      }
    },
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
