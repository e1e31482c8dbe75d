import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createStore } from '../create-store.js';
import { MIGRATIONS } from '../migrations.js';
import { expectRefusal } from '../testing/expect-refusal.js';
import { meterId, packageWrite } from '../testing/store-fixtures.js';
import { useTempDirs } from '../testing/temp-dir.js';
import { applySqliteMigrations } from './apply-sqlite-migrations.js';
import { openSqliteDatabase } from './open-sqlite-database.js';

describe('applySqliteMigrations', () => {
  const tempDir = useTempDirs();
  const open = async () =>
    openSqliteDatabase({ path: join(await tempDir(), 'vault.db'), busyTimeoutMs: 1000 });

  it('applies every step once, records it, and applies nothing the second time', async () => {
    const db = await open();
    try {
      expect(applySqliteMigrations(db, MIGRATIONS, 'vault.db', () => 42)).toEqual([1, 2, 3, 4, 5]);
      expect(applySqliteMigrations(db, MIGRATIONS, 'vault.db', () => 43)).toEqual([]);
      const rows = db
        .prepare('SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version')
        .all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at_ms: 42 })));
    } finally {
      db.close();
    }
  });

  it('brings an older database up to date, keeping its data', async () => {
    const db = await open();
    try {
      applySqliteMigrations(db, MIGRATIONS.slice(0, 1), 'vault.db', Date.now);
      db.prepare(
        "INSERT INTO psd_packages VALUES ('00042-00001-0000000001', NULL, 1, 'raw', x'01', 0)",
      ).run();
      expect(applySqliteMigrations(db, MIGRATIONS, 'vault.db', Date.now)).toEqual([2, 3, 4, 5]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM psd_packages').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('refuses a database made by a newer vault', async () => {
    const db = await open();
    try {
      applySqliteMigrations(db, MIGRATIONS, 'vault.db', Date.now);
      db.prepare("INSERT INTO schema_migrations VALUES (99, 'from the future', 'x', 0)").run();
      const error = (() => {
        try {
          applySqliteMigrations(db, MIGRATIONS, 'vault.db', Date.now);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toMatchObject({ code: 'VAULT_DATA_REFUSED', details: { reason: 'schema' } });
    } finally {
      db.close();
    }
  });

  it('refuses a database whose applied step differs from this vault’s (edited migration)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'vault.db');
    await (await createStore({ kind: 'sqlite', path })).close();
    const raw = new Database(path);
    raw.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2").run();
    raw.close();
    const refusal = await expectRefusal(createStore({ kind: 'sqlite', path }), 'VAULT_DATA_REFUSED');
    expect(refusal.details).toMatchObject({ reason: 'schema', path });
  });

  it('lets a second store open the same database (no step applied twice) and see the commits of the first', async () => {
    const path = join(await tempDir(), 'vault.db');
    const [a, b] = await Promise.all([
      createStore({ kind: 'sqlite', path }),
      createStore({ kind: 'sqlite', path }),
    ]);
    try {
      await a.commit({ package: packageWrite(1, 1, null) });
      expect((await b.packages.get(meterId(1)))?.version).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
