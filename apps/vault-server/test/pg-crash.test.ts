import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store/create-store.js';
import type { Store } from '../src/store/store.js';
import { commitThenKill } from '../src/store/testing/commit-then-kill.js';
import { meterId, sha256 } from '../src/store/testing/store-fixtures.js';
import { usePostgresServer } from './support/postgres-test-server.js';

const CHILD = fileURLToPath(new URL('./support/pg-commit-stream.child.ts', import.meta.url));
const METERS = 6;
const MODULE = 'crash-module';

const server = usePostgresServer();

describe('PostgreSQL store: a vault node killed mid-stream', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('keeps every unit whose commit resolved, none half-written, and leaves no meter locked', {
    timeout: 120_000,
  }, async () => {
    const url = await server().createDatabase('crash');
    const setup = await createStore({ kind: 'postgresql', url });
    for (let n = 1; n <= METERS; n++) {
      await setup.commit({
        package: {
          meterId: meterId(n),
          customerId: null,
          version: 1,
          replacesVersion: null,
          state: 'leased',
          bytes: sha256('unit -1'),
        },
      });
    }
    await setup.close();

    const killAfter = 150 + Math.floor(Math.random() * 150);
    const reported = await commitThenKill(CHILD, [url, `${METERS}`, MODULE], killAfter);
    expect(reported.length).toBeGreaterThanOrEqual(killAfter);

    // The survivor waits at most 2 s for a lock: a meter the dead node still held would fail here.
    const store = await createStore({
      kind: 'postgresql',
      url,
      lockTimeoutMs: 2_000,
      meterLockTimeoutMs: 2_000,
    });
    stores.push(store);
    const present = new Set<number>();
    const perMeter = new Map<string, number[]>();
    for (let n = 1; n <= METERS; n++) {
      const page = await store.indicia.listByMeter(meterId(n), { limit: 1000 });
      expect(page.nextCursor).toBeNull();
      const units = page.items.map((item) => Number(item.indiciumId.slice('unit-'.length)));
      perMeter.set(meterId(n), units);
      for (const u of units) present.add(u);
    }
    // Durable: everything the child heard resolve is there.
    for (const u of reported) expect(present.has(u), `unit ${u} resolved but is missing`).toBe(true);
    // Whole: each present unit has its audit entry; no audit entry without its unit.
    const audit = await store.audit.listByModule(MODULE, { fromSequence: 0, limit: 10_000 });
    expect(audit.map((a) => a.sequence).sort((a, b) => a - b)).toEqual([...present].sort((a, b) => a - b));
    for (const [meter, units] of perMeter) {
      const pkg = await store.packages.get(meter);
      expect(pkg?.version).toBe(1 + units.length);
      const latest = units.length === 0 ? -1 : Math.max(...units);
      expect(pkg?.bytes).toEqual(sha256(`unit ${latest}`));
    }

    // Nothing stays locked: every meter can be held and written at once by the surviving node.
    const locks = store.meterLocks;
    expect(locks).toBeDefined();
    await Promise.all(
      [...perMeter.keys()].map((meter) =>
        locks?.withMeter(meter, async () => {
          const pkg = await store.packages.get(meter);
          if (pkg === null) throw new Error('meter missing');
          await store.commit({
            package: {
              meterId: meter,
              customerId: null,
              version: pkg.version + 1,
              replacesVersion: pkg.version,
              state: 'leased',
              bytes: sha256(`after ${meter}`),
            },
          });
        }),
      ),
    );
    for (const [meter, units] of perMeter) {
      expect((await store.packages.get(meter))?.version).toBe(2 + units.length);
    }
  });
});
