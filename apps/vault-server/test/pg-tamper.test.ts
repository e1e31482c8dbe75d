import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store/create-store.js';
import { expectRefusal } from '../src/store/testing/expect-refusal.js';
import { auditEntry } from '../src/store/testing/store-fixtures.js';
import { usePostgresServer } from './support/postgres-test-server.js';

/**
 * What PostgreSQL itself refuses, and what the store refuses to read back, after edits behind its
 * back with an ordinary SQL client (DESIGN §10) — the twin of `src/store/sqlite/sqlite-tamper.test.ts`,
 * so both stores answer an edited database the same way (issue 8).
 */
const server = usePostgresServer();

async function withRaw<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database that `setup` filled through the store (closed again), and its URL. */
async function database(setup: (url: string) => Promise<void>): Promise<string> {
  const url = await server().createDatabase('tamper');
  await setup(url);
  return url;
}

describe('PostgreSQL store: records edited outside the vault', () => {
  it('refuses to read back an audit entry whose row was edited into something that is not an entry', async () => {
    const url = await database(async (url) => {
      const store = await createStore({ kind: 'postgresql', url });
      await store.commit({ auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 0) }] });
      await store.close();
    });
    const edited = await withRaw(url, (c) =>
      c.query('UPDATE audit_entries SET entry_json = \'{"sequence":0}\''),
    );
    expect(edited.rowCount).toBe(1);
    const store = await createStore({ kind: 'postgresql', url });
    try {
      const refusal = await expectRefusal(store.audit.latest('m1'), 'VAULT_DATA_REFUSED');
      expect(refusal.details).toMatchObject({ reason: 'malformed', table: 'audit_entries', sequence: 0 });
    } finally {
      await store.close();
    }
  });

  it('refuses to read back an audit entry moved to another sequence number', async () => {
    const url = await database(async (url) => {
      const store = await createStore({ kind: 'postgresql', url });
      await store.commit({ auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 4) }] });
      await store.close();
    });
    const moved = await withRaw(url, (c) => c.query('UPDATE audit_entries SET sequence = 5'));
    expect(moved.rowCount).toBe(1);
    const store = await createStore({ kind: 'postgresql', url });
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
    const url = await database(async (url) => {
      const store = await createStore({ kind: 'postgresql', url });
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
    await withRaw(url, async (c) => {
      await expect(c.query('UPDATE funds_ledger SET amount_mills = 999999')).rejects.toThrow(/append-only/);
      await expect(c.query('DELETE FROM funds_ledger')).rejects.toThrow(/append-only/);
      const { rows } = await c.query<{ amount_mills: string }>('SELECT amount_mills FROM funds_ledger');
      expect(rows.map((r) => Number(r.amount_mills))).toEqual([1000]);
    });
  });

  it('refuses values outside the schema (CHECK constraints and column types)', async () => {
    const url = await database(async (url) => {
      await (await createStore({ kind: 'postgresql', url })).close();
    });
    await withRaw(url, async (c) => {
      const insert = (version: unknown, state: string) =>
        c.query(
          'INSERT INTO psd_packages (meter_id, customer_id, package_version, state, package_bytes, updated_at_ms) VALUES ($1, NULL, $2, $3, $4, 0)',
          ['m', version, state, Buffer.from([1])],
        );
      await expect(insert(1, 'bogus')).rejects.toThrow(/check constraint/);
      await expect(insert(0, 'raw')).rejects.toThrow(/check constraint/);
      await expect(insert('one', 'raw')).rejects.toThrow(/invalid input syntax for type bigint/);
      const { rows } = await c.query('SELECT meter_id FROM psd_packages');
      expect(rows).toEqual([]);
    });
  });
});
