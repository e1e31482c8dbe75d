import { execFile } from 'node:child_process';
import { chmod, copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/store-config.js';
import { findPostgresBin, type PostgresTestServer, startPostgresTestServer } from './postgres-test-server.js';

const run = promisify(execFile);

/** A meter's package row as the store keeps it (`psd_packages`, DESIGN §10). */
export interface PackageRow {
  readonly bytes: Buffer;
  readonly version: number;
}

/** A module's row in the module table as the store keeps it (`modules`, DESIGN §3.6). */
export interface ModuleRow {
  readonly checkpoint: Buffer | null;
  /** 0 or 1, as stored. */
  readonly inhibited: number;
}

/** Makes the database unreachable while the vault runs, then reachable again. */
export interface StoreOutage {
  begin(): Promise<void>;
  end(): Promise<void>;
}

/**
 * The database behind one end-to-end vault (issue 8: the vault suite runs on SQLite and on
 * PostgreSQL), with the few direct reads and edits the tests make, each an honest equivalent on
 * both: a package row's bytes or a module-table row changed behind the vault's back, the whole
 * database replaced by an older copy of itself, what was committed read back after a shutdown,
 * and (PostgreSQL only) the database going away under a running vault.
 */
export interface E2eStore {
  readonly name: 'sqlite' | 'postgresql';
  /** Prepares an empty database for a vault whose data directory is `dataDir`. */
  open(dataDir: string): Promise<void>;
  /** What `startVaultProcess` needs besides the data directory. */
  vaultArgs(): readonly string[];
  /** The same database as `createStore` takes it (to seed it before the vault starts). */
  storeConfig(): StoreConfig;
  readPackage(meterId: string): Promise<PackageRow>;
  writePackageBytes(meterId: string, bytes: Buffer): Promise<void>;
  readModule(serial: string): Promise<ModuleRow>;
  /** Overwrites a module's stored checkpoint (null empties it), as an operator's restore would. */
  writeModuleCheckpoint(serial: string, checkpoint: Buffer | null): Promise<void>;
  /** Every issued indicium's bytes (`issued_indicia`). */
  issuedIndicia(): Promise<Buffer[]>;
  /** Every web account's e-mail address (`web_accounts`). */
  accountEmails(): Promise<string[]>;
  /** Every stored audit entry as `<module>/<sequence>` (`audit_entries`). */
  auditEntryKeys(): Promise<Set<string>>;
  /**
   * PostgreSQL: the server stopped and started again. SQLite: null — the vault holds its database
   * file open in its own process, and an open file does not become unreachable the way a
   * database server does (removing or chmod-ing it leaves the open handle working).
   */
  readonly outage: StoreOutage | null;
  /** A consistent copy of the whole database as it is now (the vault may be running). */
  snapshot(): Promise<void>;
  /** Replaces the whole database by the snapshot (the vault must be stopped). */
  restoreSnapshot(): Promise<void>;
  close(): Promise<void>;
}

/** SQLite: the vault's `vault.db` in its data directory (the default store). */
export function sqliteE2eStore(): E2eStore {
  let dir = '';
  const file = () => join(dir, 'vault.db');
  const copy = () => join(dir, 'older-copy.db');
  const withDb = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(file());
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    name: 'sqlite',
    async open(dataDir) {
      dir = dataDir;
    },
    vaultArgs: () => [],
    storeConfig: () => ({ kind: 'sqlite', path: file() }),
    async readPackage(meterId) {
      const row = withDb(
        (db) =>
          db
            .prepare('SELECT package_bytes, package_version FROM psd_packages WHERE meter_id = ?')
            .get(meterId) as { package_bytes: Buffer; package_version: number },
      );
      return { bytes: row.package_bytes, version: row.package_version };
    },
    async writePackageBytes(meterId, bytes) {
      withDb((db) =>
        db.prepare('UPDATE psd_packages SET package_bytes = ? WHERE meter_id = ?').run(bytes, meterId),
      );
    },
    async readModule(serial) {
      const row = withDb(
        (db) =>
          db.prepare('SELECT checkpoint, inhibited FROM modules WHERE module_id = ?').get(serial) as
            | ModuleRow
            | undefined,
      );
      if (row === undefined) throw new Error(`no module row for ${serial}`);
      return { checkpoint: row.checkpoint, inhibited: row.inhibited };
    },
    async writeModuleCheckpoint(serial, checkpoint) {
      const { changes } = withDb((db) =>
        db.prepare('UPDATE modules SET checkpoint = ? WHERE module_id = ?').run(checkpoint, serial),
      );
      if (changes !== 1) throw new Error(`no module row for ${serial}`);
    },
    async issuedIndicia() {
      return withDb((db) =>
        (db.prepare('SELECT indicium FROM issued_indicia').all() as { indicium: Buffer }[]).map(
          (r) => r.indicium,
        ),
      );
    },
    async accountEmails() {
      return withDb((db) =>
        (db.prepare('SELECT email FROM web_accounts').all() as { email: string }[]).map((r) => r.email),
      );
    },
    async auditEntryKeys() {
      const rows = withDb(
        (db) =>
          db.prepare('SELECT module_id, sequence FROM audit_entries').all() as {
            module_id: string;
            sequence: number;
          }[],
      );
      return new Set(rows.map((r) => `${r.module_id}/${r.sequence}`));
    },
    outage: null,
    async snapshot() {
      withDb((db) => db.exec(`VACUUM INTO '${copy()}'`));
    },
    async restoreSnapshot() {
      for (const suffix of ['-wal', '-shm']) await rm(`${file()}${suffix}`, { force: true });
      await copyFile(copy(), file());
      await chmod(file(), 0o600);
    },
    async close() {},
  };
}

/**
 * PostgreSQL: a throwaway cluster (started by `open`, stopped by `close`) and one fresh database
 * for the vault. The older copy is a `pg_dump` of the live database (one consistent snapshot
 * transaction, as `VACUUM INTO` is for SQLite); restoring it drops the database, creates it again
 * empty and loads the dump with `pg_restore`, so every table — packages, module table, audit,
 * indicia, accounts — is the older copy's, as a replaced SQLite file would be.
 */
export function postgresE2eStore(): E2eStore {
  let server: PostgresTestServer | undefined;
  let url = '';
  let dumpFile = '';
  const up = (): PostgresTestServer => {
    if (server === undefined) throw new Error('the PostgreSQL e2e store is not open');
    return server;
  };
  const withClient = async <T>(target: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgresql',
    async open(dataDir) {
      server = await startPostgresTestServer();
      url = await server.createDatabase('e2e');
      dumpFile = join(dataDir, 'older-copy.pgdump');
    },
    vaultArgs: () => ['--database-url', url],
    storeConfig: () => ({ kind: 'postgresql', url }),
    async readPackage(meterId) {
      const { rows } = await withClient(url, (c) =>
        c.query<{ package_bytes: Buffer; package_version: string | number }>(
          'SELECT package_bytes, package_version FROM psd_packages WHERE meter_id = $1',
          [meterId],
        ),
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`no package row for ${meterId}`);
      return { bytes: row.package_bytes, version: Number(row.package_version) };
    },
    async writePackageBytes(meterId, bytes) {
      const { rowCount } = await withClient(url, (c) =>
        c.query('UPDATE psd_packages SET package_bytes = $1 WHERE meter_id = $2', [bytes, meterId]),
      );
      if (rowCount !== 1) throw new Error(`no package row for ${meterId}`);
    },
    async readModule(serial) {
      const { rows } = await withClient(url, (c) =>
        c.query<{ checkpoint: Buffer | null; inhibited: string | number }>(
          'SELECT checkpoint, inhibited FROM modules WHERE module_id = $1',
          [serial],
        ),
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`no module row for ${serial}`);
      return { checkpoint: row.checkpoint, inhibited: Number(row.inhibited) };
    },
    async writeModuleCheckpoint(serial, checkpoint) {
      const { rowCount } = await withClient(url, (c) =>
        c.query('UPDATE modules SET checkpoint = $1 WHERE module_id = $2', [checkpoint, serial]),
      );
      if (rowCount !== 1) throw new Error(`no module row for ${serial}`);
    },
    async issuedIndicia() {
      const { rows } = await withClient(url, (c) =>
        c.query<{ indicium: Buffer }>('SELECT indicium FROM issued_indicia'),
      );
      return rows.map((r) => r.indicium);
    },
    async accountEmails() {
      const { rows } = await withClient(url, (c) =>
        c.query<{ email: string }>('SELECT email FROM web_accounts'),
      );
      return rows.map((r) => r.email);
    },
    async auditEntryKeys() {
      const { rows } = await withClient(url, (c) =>
        c.query<{ module_id: string; sequence: string | number }>(
          'SELECT module_id, sequence FROM audit_entries',
        ),
      );
      return new Set(rows.map((r) => `${r.module_id}/${Number(r.sequence)}`));
    },
    // The whole server stops (fast shutdown ends every connection, the vault's included) and
    // starts again on the same port with the same data, as a database machine that went away.
    outage: {
      begin: () => up().pause(),
      end: () => up().resume(),
    },
    async snapshot() {
      await run(join(findPostgresBin(), 'pg_dump'), ['--format=custom', '--file', dumpFile, url]);
    },
    async restoreSnapshot() {
      const name = new URL(url).pathname.slice(1);
      await withClient(up().adminUrl, async (c) => {
        await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      });
      await run(join(findPostgresBin(), 'pg_restore'), [
        '--exit-on-error',
        '--no-owner',
        '--dbname',
        url,
        dumpFile,
      ]);
    },
    async close() {
      await server?.stop();
      server = undefined;
    },
  };
}
