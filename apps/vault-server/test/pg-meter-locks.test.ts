import { IndiciumError } from '@indicium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store/create-store.js';
import { lockMetersAcrossNodes } from '../src/store/postgres/lock-meters-across-nodes.js';
import type { MeterLocks, Store } from '../src/store/store.js';
import { expectRefusal } from '../src/store/testing/expect-refusal.js';
import { meterId, packageWrite, sha256 } from '../src/store/testing/store-fixtures.js';
import { usePostgresServer } from './support/postgres-test-server.js';

/** The meter lock across vault nodes (DESIGN §10), between two stores on one database. */
const server = usePostgresServer();

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL meter locks across nodes', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  async function twoNodes(extra: { meterLockTimeoutMs?: number } = {}) {
    const url = await server().createDatabase('locks');
    const a = await createStore({ kind: 'postgresql', url, ...extra });
    const b = await createStore({ kind: 'postgresql', url, ...extra });
    stores.push(a, b);
    const locksOf = (s: Store): MeterLocks => {
      if (s.meterLocks === undefined) throw new Error('a PostgreSQL store has meter locks');
      return s.meterLocks;
    };
    return { a, b, lockA: locksOf(a), lockB: locksOf(b) };
  }

  it('holds a meter on one node while the other waits; other meters go on', async () => {
    const { lockA, lockB } = await twoNodes();
    const events: string[] = [];
    let releaseA: () => void = () => undefined;
    const heldByA = lockA.withMeter(meterId(1), async () => {
      events.push('a:start');
      await new Promise<void>((r) => {
        releaseA = r;
      });
      events.push('a:end');
    });
    await pause(200);
    const waitingB = lockB.withMeter(meterId(1), async () => {
      events.push('b:start');
    });
    await lockB.withMeter(meterId(2), async () => {
      events.push('b:other meter');
    });
    await pause(300);
    expect(events).toEqual(['a:start', 'b:other meter']);
    releaseA();
    await Promise.all([heldByA, waitingB]);
    expect(events).toEqual(['a:start', 'b:other meter', 'a:end', 'b:start']);
  });

  it('releases the meter when the work throws', async () => {
    const { lockA, lockB } = await twoNodes({ meterLockTimeoutMs: 2_000 });
    await expect(
      lockA.withMeter(meterId(1), async () => {
        throw new Error('module refused');
      }),
    ).rejects.toThrow('module refused');
    await expect(lockB.withMeter(meterId(1), async () => 'taken')).resolves.toBe('taken');
  });

  it('refuses with VAULT_BUSY after waiting meterLockTimeoutMs for a meter another node holds', async () => {
    const { lockA, lockB } = await twoNodes({ meterLockTimeoutMs: 300 });
    let releaseA: () => void = () => undefined;
    const heldByA = lockA.withMeter(meterId(1), () => new Promise<void>((r) => (releaseA = r)));
    await pause(200);
    await expectRefusal(
      lockB.withMeter(meterId(1), async () => 'never'),
      'VAULT_BUSY',
    );
    releaseA();
    await heldByA;
    await expect(lockB.withMeter(meterId(1), async () => 'now')).resolves.toBe('now');
  });

  it('makes read–compute–commit through two nodes never see a stale package', {
    timeout: 60_000,
  }, async () => {
    const { a, b, lockA, lockB } = await twoNodes();
    await a.commit({ package: packageWrite(1, 1, null) });
    const stale: unknown[] = [];
    const worker = async (store: Store, locks: MeterLocks, rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        await locks.withMeter(meterId(1), async () => {
          const pkg = await store.packages.get(meterId(1));
          if (pkg === null) throw new Error('meter missing');
          await pause(2); // the module's work
          await store
            .commit({
              package: {
                ...packageWrite(1, pkg.version + 1, pkg.version),
                bytes: sha256(`v${pkg.version + 1}`),
              },
            })
            .catch((error: unknown) => {
              if (error instanceof IndiciumError && error.code === 'STALE_PACKAGE') stale.push(error);
              else throw error;
            });
        });
      }
    };
    await Promise.all([
      worker(a, lockA, 15),
      worker(b, lockB, 15),
      worker(a, lockA, 15),
      worker(b, lockB, 15),
    ]);
    expect(stale).toEqual([]);
    expect((await b.packages.get(meterId(1)))?.version).toBe(61);
  });

  it('wraps a pool: withMeter takes the in-process turn, then the meter across nodes; the rest is the pool', async () => {
    const order: string[] = [];
    const pool = {
      inService: 3,
      get busy() {
        return order.length;
      },
      withMeter<T>(meter: string, fn: () => Promise<T>): Promise<T> {
        order.push(`pool ${meter}`);
        return fn();
      },
    };
    const locks: MeterLocks = {
      withMeter(meter, fn) {
        order.push(`node lock ${meter}`);
        return fn();
      },
    };
    expect(lockMetersAcrossNodes(pool, undefined)).toBe(pool);
    const wrapped = lockMetersAcrossNodes(pool, locks);
    await expect(wrapped.withMeter('m1', async () => 'done')).resolves.toBe('done');
    expect(order).toEqual(['pool m1', 'node lock m1']);
    expect(wrapped.inService).toBe(3);
    expect(wrapped.busy).toBe(2);
  });
});
