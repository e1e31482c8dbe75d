import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store/create-store.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { migrationChecksum } from '../src/store/render-migration.js';
import type { Store } from '../src/store/store.js';
import { expectRefusal } from '../src/store/testing/expect-refusal.js';
import { meterId, packageWrite } from '../src/store/testing/store-fixtures.js';
import { usePostgresServer } from './support/postgres-test-server.js';

/** Opening a PostgreSQL store: migrations (DESIGN §6), several nodes at once, refusals. */
const server = usePostgresServer();

describe('PostgreSQL store: opening and migrations', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  async function open(url: string): Promise<Store> {
    const store = await createStore({ kind: 'postgresql', url });
    closers.push(() => store.close());
    return store;
  }
  async function sql(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    closers.push(() => client.end());
    return client;
  }
  const applied = async (c: pg.Client) =>
    (
      await c.query<{ version: string; checksum: string; applied_at_ms: string }>(
        'SELECT version, checksum, applied_at_ms FROM schema_migrations ORDER BY version',
      )
    ).rows;

  it('applies every step once, with its checksum, and nothing on the next open', async () => {
    const url = await server().createDatabase('migrate');
    await (await open(url)).close();
    const c = await sql(url);
    const first = await applied(c);
    expect(first.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    expect(first.map((r) => r.checksum)).toEqual(MIGRATIONS.map((m) => migrationChecksum(m, 'postgresql')));
    await (await open(url)).close();
    expect(await applied(c)).toEqual(first);
  });

  it('lets several nodes open one new database at once: each step is applied by exactly one', async () => {
    const url = await server().createDatabase('race');
    const stores = await Promise.all([open(url), open(url), open(url)]);
    await stores[0]?.commit({ package: packageWrite(1, 1, null) });
    expect((await stores[2]?.packages.get(meterId(1)))?.version).toBe(1);
    expect((await applied(await sql(url))).map((r) => Number(r.version))).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
  });

  it('refuses a database whose applied step was edited, or made by a newer vault (VAULT_DATA_REFUSED)', async () => {
    const edited = await server().createDatabase('edited');
    await (await open(edited)).close();
    await (await sql(edited)).query("UPDATE schema_migrations SET checksum = 'changed' WHERE version = 2");
    const refusal = await expectRefusal(
      createStore({ kind: 'postgresql', url: edited }),
      'VAULT_DATA_REFUSED',
    );
    expect(refusal.details).toMatchObject({ reason: 'schema' });

    const newer = await server().createDatabase('newer');
    await (await open(newer)).close();
    await (await sql(newer)).query("INSERT INTO schema_migrations VALUES (99, 'from the future', 'x', 0)");
    const future = await expectRefusal(createStore({ kind: 'postgresql', url: newer }), 'VAULT_DATA_REFUSED');
    expect(future.details).toMatchObject({ reason: 'schema' });
  });

  it('keeps the funds ledger append-only in the database itself', async () => {
    const url = await server().createDatabase('ledger');
    const store = await open(url);
    await store.customers.create({ customerId: 'customer-1', displayName: 'Ada' });
    await store.ledger.append({
      customerId: 'customer-1',
      idempotencyKey: 'deposit-0001',
      kind: 'deposit',
      meterId: null,
      amountMills: 5_000,
    });
    const c = await sql(url);
    await expect(c.query('UPDATE funds_ledger SET amount_mills = 1')).rejects.toThrow(/append-only/);
    await expect(c.query('DELETE FROM funds_ledger')).rejects.toThrow(/append-only/);
    expect(await store.ledger.totals('customer-1')).toMatchObject({ deposit: 5_000 });
  });

  it('refuses a stored integer beyond 2^53 rather than rounding it', async () => {
    const url = await server().createDatabase('range');
    const store = await open(url);
    await store.commit({ package: packageWrite(1, 1, null) });
    await (await sql(url)).query('UPDATE psd_packages SET package_version = 9007199254740993');
    await expect(store.packages.get(meterId(1))).rejects.toThrow(/out of range/);
  });

  it('refuses a database it cannot reach (VAULT_UNAVAILABLE) and a URL that is not postgres:// (INVALID_FIELD)', async () => {
    const closed = `postgres://indicium@127.0.0.1:${server().port}/no_such_database`;
    const refusal = await expectRefusal(
      createStore({ kind: 'postgresql', url: closed }),
      'VAULT_UNAVAILABLE',
    );
    expect(refusal.details).toMatchObject({ database: closed });
    const withPassword = `postgres://indicium:hunter2@127.0.0.1:${server().port}/no_such_database`;
    const hidden = await expectRefusal(
      createStore({ kind: 'postgresql', url: withPassword }),
      'VAULT_UNAVAILABLE',
    );
    expect(JSON.stringify(hidden.details)).not.toContain('hunter2');
    expect(hidden.message).not.toContain('hunter2');
    await expectRefusal(
      createStore({ kind: 'postgresql', url: 'mysql://db/x' }),
      'INVALID_FIELD',
      'store.url',
    );
    await expectRefusal(
      createStore({ kind: 'postgresql', url: await server().createDatabase('cfg'), lockTimeoutMs: 0 }),
      'INVALID_FIELD',
      'store.lockTimeoutMs',
    );
  });
});
