import { IndiciumError } from '@indicium/protocol';
import type pg from 'pg';
import type { Migration } from '../migrations.js';
import { migrationChecksum, renderMigration } from '../render-migration.js';

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Serialises schema changes between vault nodes that start at once on one database: each step's
 * transaction takes this advisory lock first, so a step is applied by exactly one node and the
 * others then see it recorded. A transaction-scoped lock is released by COMMIT or by the server
 * when a node dies mid-step, so no crash leaves it held.
 */
const MIGRATION_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('indicium/vault/schema-migrations'))";

/**
 * The PostgreSQL twin of `applySqliteMigrations` (same steps, same rules): one transaction per
 * step (PostgreSQL's DDL is transactional, so a failed step leaves nothing behind), each recorded
 * with the SHA-256 of its rendered text; the applied steps must be exactly a prefix of
 * `migrations`, else the database is refused (VAULT_DATA_REFUSED, reason `schema`).
 *
 * @returns the versions applied by this call.
 */
export async function applyPgMigrations(
  client: pg.ClientBase,
  migrations: readonly Migration[],
  database: string,
  nowMs: () => number,
): Promise<number[]> {
  const appliedNow: number[] = [];
  for (const migration of migrations) {
    await client.query('BEGIN');
    try {
      await client.query(MIGRATION_LOCK_SQL);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at_ms BIGINT NOT NULL
)`);
      const applied = (
        await client.query<AppliedRow>(
          'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
        )
      ).rows;
      checkPrefix(applied, migrations, database);
      if (!applied.some((row) => row.version === migration.version)) {
        await client.query(renderMigration(migration, 'postgresql'));
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) VALUES ($1, $2, $3, $4)',
          [migration.version, migration.name, migrationChecksum(migration, 'postgresql'), nowMs()],
        );
        appliedNow.push(migration.version);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  // A database with steps beyond ours (a newer vault) is refused even when every step was known.
  const final = (
    await client.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
  ).rows;
  checkPrefix(final, migrations, database);
  return appliedNow;
}

function checkPrefix(
  applied: readonly AppliedRow[],
  migrations: readonly Migration[],
  database: string,
): void {
  applied.forEach((row, i) => {
    const known = migrations[i];
    if (known === undefined) {
      throw schemaRefused(database, `schema version ${row.version} is newer than this vault knows`);
    }
    if (
      row.version !== known.version ||
      row.name !== known.name ||
      row.checksum !== migrationChecksum(known, 'postgresql')
    ) {
      throw schemaRefused(
        database,
        `schema step ${row.version} (${row.name}) differs from this vault's step`,
      );
    }
  });
}

function schemaRefused(database: string, detail: string): IndiciumError {
  return new IndiciumError('VAULT_DATA_REFUSED', { detail, details: { database, reason: 'schema' } });
}
