import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { migrationChecksum, renderMigration } from './render-migration.js';

describe('migrations', () => {
  it('are numbered 1, 2, 3… in order, with distinct names', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
  });

  it('render for SQLite with STRICT tables, BLOB and INTEGER, and no placeholder left', () => {
    for (const m of MIGRATIONS) {
      const sql = renderMigration(m, 'sqlite');
      expect(sql).not.toMatch(/\{\{|BYTEA|BIGINT/);
      expect(sql.match(/CREATE TABLE/g)?.length).toBe(sql.match(/\) STRICT;/g)?.length);
    }
  });

  it('render for PostgreSQL with BYTEA and BIGINT, no STRICT and no SQLite trigger syntax', () => {
    for (const m of MIGRATIONS) {
      const sql = renderMigration(m, 'postgresql');
      expect(sql).not.toMatch(/\{\{|STRICT|BLOB|INTEGER|RAISE\(ABORT/);
    }
    expect(renderMigration(MIGRATIONS[0] as (typeof MIGRATIONS)[0], 'postgresql')).toContain(
      'package_bytes BYTEA',
    );
  });

  it('refuse an unknown placeholder', () => {
    expect(() =>
      renderMigration({ version: 9, name: 'x', sql: 'CREATE TABLE t (a {{float}})' }, 'sqlite'),
    ).toThrow(/unknown placeholder/);
  });

  it('checksum the rendered text, per dialect', () => {
    const m = MIGRATIONS[0] as (typeof MIGRATIONS)[0];
    expect(migrationChecksum(m, 'sqlite')).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationChecksum(m, 'sqlite')).not.toBe(migrationChecksum(m, 'postgresql'));
    expect(migrationChecksum({ ...m, sql: `${m.sql} ` }, 'sqlite')).not.toBe(migrationChecksum(m, 'sqlite'));
  });
});
