import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../create-store.js';
import { expectRefusal } from '../testing/expect-refusal.js';
import { useTempDirs } from '../testing/temp-dir.js';
import { openSqliteDatabase } from './open-sqlite-database.js';

describe('openSqliteDatabase', () => {
  const tempDir = useTempDirs();

  it('opens in WAL with synchronous = FULL, foreign keys and a busy timeout', async () => {
    const db = openSqliteDatabase({ path: join(await tempDir(), 'vault.db'), busyTimeoutMs: 1234 });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(db.pragma('trusted_schema', { simple: true })).toBe(0);
    } finally {
      db.close();
    }
  });

  it('creates the database owner-only, and its WAL too', async () => {
    const path = join(await tempDir(), 'vault.db');
    const store = await createStore({ kind: 'sqlite', path });
    try {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(`${path}-wal`)).mode & 0o777).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('refuses a database file that others may read (VAULT_DATA_REFUSED, permissions)', async () => {
    const path = join(await tempDir(), 'vault.db');
    await (await createStore({ kind: 'sqlite', path })).close();
    await chmod(path, 0o644);
    const refusal = await expectRefusal(createStore({ kind: 'sqlite', path }), 'VAULT_DATA_REFUSED');
    expect(refusal.details).toMatchObject({ path, reason: 'permissions' });
  });

  it('refuses a file that is not a database', async () => {
    const path = join(await tempDir(), 'vault.db');
    await writeFile(path, 'this is not an SQLite database, only some text that is long enough', {
      mode: 0o600,
    });
    await expect(createStore({ kind: 'sqlite', path })).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  it('refuses in-memory and URI databases: the vault never runs on a store that forgets', async () => {
    await expectRefusal(createStore({ kind: 'sqlite', path: ':memory:' }), 'INVALID_FIELD', 'store.path');
    await expectRefusal(createStore({ kind: 'sqlite', path: '' }), 'INVALID_FIELD', 'store.path');
    await expectRefusal(
      createStore({ kind: 'sqlite', path: 'file::memory:' }),
      'INVALID_FIELD',
      'store.path',
    );
    await expectRefusal(createStore({ kind: 'postgresql' } as never), 'INVALID_FIELD');
  });
});
