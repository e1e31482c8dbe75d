import { closeSync, constants, openSync, statSync } from 'node:fs';
import { IndiciumError } from '@indicium/protocol';
import Database from 'better-sqlite3';

export interface SqliteOpenOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
}

/**
 * Opens the vault database with the settings its guarantees rest on:
 * - WAL, so readers never block the writer and a commit is one append plus one sync;
 * - `synchronous = FULL`: in WAL mode, NORMAL may lose the last commits on power loss, and an answer
 *   that left the vault must never be lost (DESIGN §4.3: one indicium, never two, never none);
 * - foreign keys on (SQLite leaves them off by default);
 * - a busy timeout, so a second process (`vaultctl`) waits for the write lock instead of failing.
 *
 * The file is created owner-only (0600; SQLite gives its -wal and -shm files the same mode): it
 * holds password hashes and every meter's package. A database others may read or write is refused.
 */
export function openSqliteDatabase(options: SqliteOpenOptions): Database.Database {
  ensurePrivateFile(options.path);
  const db = new Database(options.path, { fileMustExist: true });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw refused(options.path, 'malformed', `journal mode is ${String(mode)}, not wal`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
    // Schema text from a database file is data, not code: no functions with side effects in it.
    db.pragma('trusted_schema = OFF');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function ensurePrivateFile(path: string): void {
  try {
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw refused(path, 'missing', 'the database file cannot be created', error);
    }
  }
  const stat = statSync(path);
  if (!stat.isFile()) throw refused(path, 'malformed', 'the database path is not a regular file');
  if ((stat.mode & 0o077) !== 0) {
    throw refused(
      path,
      'permissions',
      `the database file has mode ${(stat.mode & 0o777).toString(8)}; use 600`,
    );
  }
}

function refused(path: string, reason: string, detail: string, cause?: unknown): IndiciumError {
  return new IndiciumError('VAULT_DATA_REFUSED', {
    detail,
    details: { path, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}
