import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createStore } from '../create-store.js';
import { expectRefusal } from '../testing/expect-refusal.js';
import { auditEntry } from '../testing/store-fixtures.js';
import { useTempDirs } from '../testing/temp-dir.js';

/** What the database itself refuses, and what the store refuses to read back, after edits behind its back. */
describe('SQLite store: records edited outside the vault', () => {
  const tempDir = useTempDirs();

  async function withRaw(
    setup: (path: string) => Promise<void>,
  ): Promise<{ path: string; raw: Database.Database }> {
    const path = join(await tempDir(), 'vault.db');
    await setup(path);
    return { path, raw: new Database(path) };
  }

  it('refuses to read back an audit entry whose row was edited into something that is not an entry', async () => {
    const { path, raw } = await withRaw(async (path) => {
      const store = await createStore({ kind: 'sqlite', path });
      await store.commit({ auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 0) }] });
      await store.close();
    });
    raw.prepare('UPDATE audit_entries SET entry_json = \'{"sequence":0}\'').run();
    raw.close();
    const store = await createStore({ kind: 'sqlite', path });
    try {
      const refusal = await expectRefusal(store.audit.latest('m1'), 'VAULT_DATA_REFUSED');
      expect(refusal.details).toMatchObject({ reason: 'malformed', table: 'audit_entries', sequence: 0 });
    } finally {
      await store.close();
    }
  });

  it('refuses to read back an audit entry moved to another sequence number', async () => {
    const { path, raw } = await withRaw(async (path) => {
      const store = await createStore({ kind: 'sqlite', path });
      await store.commit({ auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 4) }] });
      await store.close();
    });
    raw.prepare('UPDATE audit_entries SET sequence = 5').run();
    raw.close();
    const store = await createStore({ kind: 'sqlite', path });
    try {
      await expectRefusal(
        store.audit.listByModule('m1', { fromSequence: 0, limit: 10 }),
        'VAULT_DATA_REFUSED',
      );
    } finally {
      await store.close();
    }
  });

  it('keeps the funds ledger append-only even for a direct SQL client', async () => {
    const { raw } = await withRaw(async (path) => {
      const store = await createStore({ kind: 'sqlite', path });
      await store.accounts.create({
        customerId: 'customer-1',
        displayName: 'Ada',
        email: 'ada@example.com',
        passwordHash: 'scrypt$0123456789abcdef',
      });
      await store.ledger.append({
        customerId: 'customer-1',
        idempotencyKey: 'deposit-0001',
        kind: 'deposit',
        meterId: null,
        amountMills: 1000,
      });
      await store.close();
    });
    try {
      expect(() => raw.prepare('UPDATE funds_ledger SET amount_mills = 999999').run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM funds_ledger').run()).toThrow(/append-only/);
      expect(raw.prepare('SELECT amount_mills FROM funds_ledger').get()).toEqual({ amount_mills: 1000 });
    } finally {
      raw.close();
    }
  });

  it('refuses values outside the schema (CHECK constraints and STRICT types)', async () => {
    const { raw } = await withRaw(async (path) => {
      await (await createStore({ kind: 'sqlite', path })).close();
    });
    try {
      const insert = raw.prepare('INSERT INTO psd_packages VALUES (?, NULL, ?, ?, ?, 0)');
      expect(() => insert.run('m', 1, 'bogus', Buffer.from([1]))).toThrow(/CHECK constraint/);
      expect(() => insert.run('m', 0, 'raw', Buffer.from([1]))).toThrow(/CHECK constraint/);
      expect(() => insert.run('m', 'one', 'raw', Buffer.from([1]))).toThrow(
        /cannot store TEXT value in INTEGER/,
      );
    } finally {
      raw.close();
    }
  });
});
