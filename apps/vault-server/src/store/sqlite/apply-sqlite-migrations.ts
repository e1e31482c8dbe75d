import { IndiciumError } from '@indicium/protocol';
import type Database from 'better-sqlite3';
import type { Migration } from '../migrations.js';
import { migrationChecksum, renderMigration } from '../render-migration.js';

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the schema up to date, one step per transaction, and records each step. The steps already
 * applied must be exactly a prefix of `migrations` (same versions, names and checksums): a database
 * made by a newer vault, or with a step whose text changed, is refused rather than guessed at.
 * Each step re-checks inside its write transaction, so two processes opening one new database
 * apply every step once.
 *
 * @returns the versions applied by this call.
 */
export function applySqliteMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  path: string,
  nowMs: () => number,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at_ms INTEGER NOT NULL
) STRICT`);
  const readApplied = db.prepare<[], AppliedRow>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)',
  );
  checkPrefix(readApplied.all(), migrations, path);
  const appliedNow: number[] = [];
  for (const migration of migrations) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const applied = readApplied.all();
      checkPrefix(applied, migrations, path);
      if (!applied.some((row) => row.version === migration.version)) {
        db.exec(renderMigration(migration, 'sqlite'));
        record.run(migration.version, migration.name, migrationChecksum(migration, 'sqlite'), nowMs());
        appliedNow.push(migration.version);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
  return appliedNow;
}

function checkPrefix(applied: readonly AppliedRow[], migrations: readonly Migration[], path: string): void {
  applied.forEach((row, i) => {
    const known = migrations[i];
    if (known === undefined) {
      throw schemaRefused(path, `schema version ${row.version} is newer than this vault knows`);
    }
    if (
      row.version !== known.version ||
      row.name !== known.name ||
      row.checksum !== migrationChecksum(known, 'sqlite')
    ) {
      throw schemaRefused(path, `schema step ${row.version} (${row.name}) differs from this vault's step`);
    }
  });
}

function schemaRefused(path: string, detail: string): IndiciumError {
  return new IndiciumError('VAULT_DATA_REFUSED', { detail, details: { path, reason: 'schema' } });
}
