import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createStore, type StoreDependencies } from '../../src/store/create-store.js';
import type { StoreHarness } from '../../src/store/testing/store-harness.js';
import { type PostgresTestServer, startPostgresTestServer } from './postgres-test-server.js';

/** One fresh database of one dialect, opened (and reopened) as the store, edited behind its back. */
export interface DialectHarness extends StoreHarness {
  /**
   * Runs one SQL statement on the database directly, as an operator's SQL client would; `$1`, `$2`…
   * placeholders (in order) on both dialects. Resolves with the number of rows changed.
   */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Reads rows directly (same placeholders); column names as the schema spells them. */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The store's two databases (issue 8: the storage tests run on SQLite and on PostgreSQL). */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgresql';
  /**
   * A fresh, empty database; removed after the file's last test (close its stores first). `deps`
   * (e.g. a fixed clock) apply to every open.
   */
  harness(deps?: StoreDependencies): Promise<DialectHarness>;
}

/** `$1, $2…` in order → `?` (better-sqlite3 binds anonymous parameters by position). */
function sqliteParameters(sql: string): string {
  let next = 1;
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    if (Number(n) !== next) throw new Error(`placeholders must be $1, $2… in order: ${sql}`);
    next += 1;
    return '?';
  });
}

function withSqlite<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

async function pgQuery(url: string, sql: string, params: readonly unknown[]): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, [...params]);
  } finally {
    await client.end();
  }
}

/**
 * Both dialects for a test file, to use with `describe.each(useStoreDialects())`: SQLite files in
 * temporary folders, and PostgreSQL databases of one throwaway cluster per file, started the first
 * time a PostgreSQL harness is asked for and stopped after the file's last test, when every
 * database made is removed. Call it at the top of the file (it registers the hook that cleans up).
 */
export function useStoreDialects(): readonly StoreDialect[] {
  let server: Promise<PostgresTestServer> | undefined;
  const made: DialectHarness[] = [];
  afterAll(async () => {
    await Promise.all(made.splice(0).map((h) => h.dispose()));
    await (await server)?.stop();
  }, 60_000);

  const sqlite: StoreDialect = {
    name: 'sqlite',
    async harness(deps = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'indicium-dialect-'));
      const path = join(dir, 'vault.db');
      const harness: DialectHarness = {
        open: () => createStore({ kind: 'sqlite', path }, deps),
        dispose: () => rm(dir, { recursive: true, force: true }),
        async execute(sql, params = []) {
          return withSqlite(path, (db) => db.prepare(sqliteParameters(sql)).run(...params).changes);
        },
        async query<T>(sql: string, params: readonly unknown[] = []) {
          return withSqlite(path, (db) => db.prepare(sqliteParameters(sql)).all(...params) as T[]);
        },
      };
      made.push(harness);
      return harness;
    },
  };

  const postgresql: StoreDialect = {
    name: 'postgresql',
    async harness(deps = {}) {
      server ??= startPostgresTestServer();
      const cluster = await server;
      const url = await cluster.createDatabase('dialect');
      const harness: DialectHarness = {
        open: () => createStore({ kind: 'postgresql', url }, deps),
        dispose: () => cluster.dropDatabase(url),
        async execute(sql, params = []) {
          return (await pgQuery(url, sql, params)).rowCount ?? 0;
        },
        async query<T>(sql: string, params: readonly unknown[] = []) {
          return (await pgQuery(url, sql, params)).rows as T[];
        },
      };
      made.push(harness);
      return harness;
    },
  };

  return [sqlite, postgresql];
}
