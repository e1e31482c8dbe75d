import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store/create-store.js';
import { writerSessionSql } from '../src/store/postgres/pg-connection.js';
import type { Store } from '../src/store/store.js';
import { expectRefusal } from '../src/store/testing/expect-refusal.js';
import { indiciumUnit, meterId, packageWrite } from '../src/store/testing/store-fixtures.js';
import { usePostgresServer } from './support/postgres-test-server.js';

/**
 * Group commit and the row lock per meter on PostgreSQL (DESIGN §6, §10), watched from a second,
 * independent connection: what it can read, which locks it can take, which backend it can end.
 */
const server = usePostgresServer();

describe('PostgreSQL group commit', () => {
  const opened: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((x) => x.close()));
  });

  async function storeWithMeters(
    count: number,
    extra: { maxBatchUnits?: number; lockTimeoutMs?: number } = {},
  ): Promise<{ store: Store; url: string }> {
    const url = await server().createDatabase('group');
    const store = await createStore({ kind: 'postgresql', url, ...extra });
    opened.push(store);
    await Promise.all(
      Array.from({ length: count }, (_, i) => store.commit({ package: packageWrite(i + 1, 1, null) })),
    );
    return { store, url };
  }

  /** A plain connection: another vault node, or an operator's psql. */
  async function otherConnection(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    opened.push({ close: () => client.end().catch(() => undefined) });
    return client;
  }

  const countIndicia = async (c: pg.Client, id: string): Promise<number> =>
    Number(
      (await c.query<{ n: string }>('SELECT COUNT(*) AS n FROM issued_indicia WHERE indicium_id = $1', [id]))
        .rows[0]?.n,
    );

  it('writes units queued in one turn of the event loop as one batch', async () => {
    const { store } = await storeWithMeters(50);
    const before = store.stats();
    const receipts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.commit(indiciumUnit(i + 1, 2, `indicium-${1000 + i}`, `m${i}`, 1)),
      ),
    );
    expect(new Set(receipts.map((r) => r.batch)).size).toBe(1);
    expect(receipts.every((r) => r.batchUnits === 50)).toBe(true);
    expect(store.stats().batches - before.batches).toBe(1);
    expect(store.stats().largestBatch).toBe(50);
  });

  it('keeps a batch within maxBatchUnits, in arrival order, and fails a bad unit alone', async () => {
    const { store } = await storeWithMeters(25, { maxBatchUnits: 10 });
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        store.commit(indiciumUnit(i + 1, i === 12 ? 9 : 2, `indicium-${1000 + i}`, `m${i}`, 1)),
      ),
    );
    const sizes = results.map((r) => (r.status === 'fulfilled' ? r.value.batchUnits : 'failed'));
    expect(sizes).toEqual([
      ...Array(10).fill(10),
      10,
      10,
      'failed',
      ...Array(7).fill(10),
      ...Array(5).fill(5),
    ]);
    expect(results[12]).toMatchObject({ status: 'rejected', reason: { code: 'STALE_PACKAGE' } });
    expect(store.stats().failedUnits).toBe(1);
    expect(await store.indicia.get('indicium-1013')).not.toBeNull();
    expect(await store.indicia.get('indicium-1012')).toBeNull();
  });

  it('resolves a commit only once another connection can read it, and not before', async () => {
    const { store, url } = await storeWithMeters(1);
    const other = await otherConnection(url);
    const pending = store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1));
    expect(await countIndicia(other, 'indicium-0001')).toBe(0);
    await pending;
    expect(await countIndicia(other, 'indicium-0001')).toBe(1);
  });

  it("holds a meter's row lock: a unit waits for another node's transaction, then sees its commit (STALE_PACKAGE)", async () => {
    const { store, url } = await storeWithMeters(2);
    const other = await otherConnection(url);
    await other.query('BEGIN');
    await other.query('SELECT * FROM psd_packages WHERE meter_id = $1 FOR UPDATE', [meterId(1)]);
    let settled = false;
    const waiting = store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1)).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBe(false);
    // The other node spends the meter first: version 1 → 2.
    await other.query('UPDATE psd_packages SET package_version = 2 WHERE meter_id = $1', [meterId(1)]);
    await other.query('COMMIT');
    const refusal = await expectRefusal(waiting, 'STALE_PACKAGE', 'package.replacesVersion');
    expect(refusal.details).toMatchObject({ replacesVersion: 1, storedVersion: 2 });
    expect(await store.indicia.get('indicium-0001')).toBeNull();
    // The lock went with that transaction: the meter is free for the next write.
    await store.commit(indiciumUnit(1, 3, 'indicium-0002', 'm1', 2));
    expect((await store.packages.get(meterId(1)))?.version).toBe(3);
  });

  it('refuses the whole batch with VAULT_BUSY when a lock is held past lockTimeoutMs, writing nothing', async () => {
    const { store, url } = await storeWithMeters(2, { lockTimeoutMs: 200 });
    const other = await otherConnection(url);
    await other.query('BEGIN');
    await other.query('SELECT * FROM psd_packages WHERE meter_id = $1 FOR UPDATE', [meterId(1)]);
    const results = await Promise.allSettled([
      store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1)),
      store.commit(indiciumUnit(2, 2, 'indicium-0002', 'm2', 1)),
    ]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code)).toEqual([
      'VAULT_BUSY',
      'VAULT_BUSY',
    ]);
    await other.query('ROLLBACK');
    expect(await store.indicia.get('indicium-0002')).toBeNull();
    await store.commit(indiciumUnit(2, 2, 'indicium-0002', 'm2', 1));
    expect((await store.packages.get(meterId(2)))?.version).toBe(2);
  });

  it('fails the batch whose connection the server ends (nothing written), then reconnects', async () => {
    const { store, url } = await storeWithMeters(2);
    const other = await otherConnection(url);
    await other.query('BEGIN');
    await other.query('SELECT * FROM psd_packages WHERE meter_id = $1 FOR UPDATE', [meterId(1)]);
    const waiting = store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1));
    // Wait until the writer is blocked on the lock, then end its backend as a failover would.
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      const row = await other.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'indicium-vault-writer' AND wait_event_type = 'Lock'",
      );
      pid = row.rows[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    expect(pid).toBeDefined();
    await other.query('SELECT pg_terminate_backend($1)', [pid]);
    await expectRefusal(waiting, 'VAULT_UNAVAILABLE');
    await other.query('ROLLBACK');
    expect(await store.indicia.get('indicium-0001')).toBeNull();
    expect((await store.packages.get(meterId(1)))?.version).toBe(1);
    await store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1));
    expect((await store.packages.get(meterId(1)))?.version).toBe(2);
  });

  it('keeps synchronous_commit on for the writer, whatever the URL asks for', async () => {
    const url = await server().createDatabase('settings');
    const client = await otherConnection(`${url}?options=-c%20synchronous_commit%3Doff`);
    expect((await client.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'off' });
    await client.query(writerSessionSql({ lockTimeoutMs: 1234 }));
    expect((await client.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'on' });
    expect((await client.query('SHOW lock_timeout')).rows[0]).toEqual({ lock_timeout: '1234ms' });
  });
});
