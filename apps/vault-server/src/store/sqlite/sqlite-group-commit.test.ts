import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStore } from '../create-store.js';
import type { Store } from '../store.js';
import { indiciumUnit, meterId, packageWrite } from '../testing/store-fixtures.js';
import { useTempDirs } from '../testing/temp-dir.js';

/** Group commit on SQLite (DESIGN §6): one transaction per batch, each unit alone in its savepoint. */
describe('SQLite group commit', () => {
  const tempDir = useTempDirs();

  async function storeWithMeters(
    count: number,
    maxBatchUnits?: number,
  ): Promise<{ store: Store; path: string }> {
    const path = join(await tempDir(), 'vault.db');
    const store = await createStore({
      kind: 'sqlite',
      path,
      ...(maxBatchUnits === undefined ? {} : { maxBatchUnits }),
    });
    await Promise.all(
      Array.from({ length: count }, (_, i) => store.commit({ package: packageWrite(i + 1, 1, null) })),
    );
    return { store, path };
  }

  it('writes units queued in one turn of the event loop as one batch', async () => {
    const { store } = await storeWithMeters(100);
    try {
      const before = store.stats();
      const receipts = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.commit(indiciumUnit(i + 1, 2, `indicium-${1000 + i}`, `m${i}`, 1)),
        ),
      );
      expect(new Set(receipts.map((r) => r.batch)).size).toBe(1);
      expect(receipts.every((r) => r.batchUnits === 100)).toBe(true);
      expect(store.stats().batches - before.batches).toBe(1);
      expect(store.stats().largestBatch).toBe(100);
    } finally {
      await store.close();
    }
  });

  it('keeps a batch within maxBatchUnits, in arrival order', async () => {
    const { store } = await storeWithMeters(35, 10);
    try {
      const receipts = await Promise.all(
        Array.from({ length: 35 }, (_, i) =>
          store.commit(indiciumUnit(i + 1, 2, `indicium-${1000 + i}`, `m${i}`, 1)),
        ),
      );
      expect(receipts.map((r) => r.batchUnits)).toEqual([...Array(30).fill(10), ...Array(5).fill(5)]);
      const batches = receipts.map((r) => r.batch);
      expect([...batches].sort((a, b) => a - b)).toEqual(batches);
      expect(new Set(batches).size).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('counts a failed unit in its batch and lets its batch-mates commit', async () => {
    const { store } = await storeWithMeters(3);
    try {
      const results = await Promise.allSettled([
        store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1)),
        store.commit(indiciumUnit(2, 9, 'indicium-0002', 'm2', 1)),
        store.commit(indiciumUnit(3, 2, 'indicium-0003', 'm3', 1)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results[0]).toMatchObject({ value: { batchUnits: 3 } });
      expect(store.stats().failedUnits).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('resolves a commit only once another connection can read it, and not before', async () => {
    const { store, path } = await storeWithMeters(1);
    const reader = new Database(path, { readonly: true });
    const seen = () =>
      reader.prepare("SELECT COUNT(*) AS n FROM issued_indicia WHERE indicium_id = 'indicium-0001'").get();
    try {
      const pending = store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1));
      expect(seen()).toEqual({ n: 0 });
      await pending;
      expect(seen()).toEqual({ n: 1 });
      expect((await store.packages.get(meterId(1)))?.version).toBe(2);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('applies the units of one batch in arrival order (property: a batch equals the same writes one by one)', async () => {
    const { store } = await storeWithMeters(0);
    let nextMeter = 1;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ meter: fc.integer({ min: 0, max: 2 }), replaces: fc.integer({ min: 1, max: 4 }) }),
            {
              minLength: 1,
              maxLength: 16,
            },
          ),
          async (writes) => {
            const base = nextMeter;
            nextMeter += 3;
            await Promise.all(
              [0, 1, 2].map((m) => store.commit({ package: packageWrite(base + m, 1, null) })),
            );
            const model = [1, 1, 1];
            const expected = writes.map(({ meter, replaces }) => {
              if (model[meter] !== replaces) return 'rejected';
              model[meter] = replaces + 1;
              return 'fulfilled';
            });
            const results = await Promise.allSettled(
              writes.map(({ meter, replaces }) =>
                store.commit({ package: packageWrite(base + meter, replaces + 1, replaces) }),
              ),
            );
            expect(results.map((r) => r.status)).toEqual(expected);
            const batches = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.batch] : []));
            expect(new Set(batches).size).toBeLessThanOrEqual(1);
            for (let m = 0; m < 3; m++)
              expect((await store.packages.get(meterId(base + m)))?.version).toBe(model[m]);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await store.close();
    }
  });

  it('fails the whole batch, writing nothing, when the database cannot take the write lock', async () => {
    const path = join(await tempDir(), 'vault.db');
    const store = await createStore({ kind: 'sqlite', path, busyTimeoutMs: 0 });
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      const results = await Promise.allSettled([
        store.commit({ package: packageWrite(1, 1, null) }),
        store.commit({ package: packageWrite(2, 1, null) }),
      ]);
      expect(results.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code)).toEqual([
        'VAULT_BUSY',
        'VAULT_BUSY',
      ]);
      other.exec('ROLLBACK');
      expect(await store.packages.get(meterId(1))).toBeNull();
      await store.commit({ package: packageWrite(1, 1, null) });
      expect((await store.packages.get(meterId(1)))?.version).toBe(1);
    } finally {
      other.close();
      await store.close();
    }
  });
});
