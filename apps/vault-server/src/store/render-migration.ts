import { createHash } from 'node:crypto';
import type { Migration } from './migrations.js';

export type SqlDialect = 'sqlite' | 'postgresql';

const TYPES: Readonly<Record<SqlDialect, Readonly<Record<string, string>>>> = Object.freeze({
  sqlite: Object.freeze({ int: 'INTEGER', bytes: 'BLOB', strict: ' STRICT' }),
  postgresql: Object.freeze({ int: 'BIGINT', bytes: 'BYTEA', strict: '' }),
});

/** The SQL of one migration step in one dialect: placeholders filled, the dialect's addition appended. */
export function renderMigration(migration: Migration, dialect: SqlDialect): string {
  const types = TYPES[dialect];
  const common = migration.sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = types[name];
    if (value === undefined)
      throw new Error(`migration ${migration.version}: unknown placeholder {{${name}}}`);
    return value;
  });
  return `${common}${migration[dialect] ?? ''}`;
}

/** SHA-256 of a step's rendered text: recorded when applied, compared on every open. */
export function migrationChecksum(migration: Migration, dialect: SqlDialect): string {
  return createHash('sha256').update(renderMigration(migration, dialect)).digest('hex');
}
