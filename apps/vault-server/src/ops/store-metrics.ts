import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/store.js';

/**
 * The store's group-commit counters on the vault's registry (DESIGN §6 Operations), read at each
 * scrape so they cannot drift: batches (one sync each) against units tells how well commits are
 * grouped; failed units rising means stale packages or duplicate keys.
 *
 * @example
 * registerStoreMetrics(store, metrics.registry);
 */
export function registerStoreMetrics(store: Pick<Store, 'stats'>, registry: Registry): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'indicium_store_commit_batches',
    'Committed batches (one sync each) since start.',
    () => store.stats().batches,
  );
  gauge('indicium_store_commit_units', 'Commit units written since start.', () => store.stats().units);
  gauge(
    'indicium_store_failed_units',
    'Commit units refused since start (stale package, duplicate key).',
    () => store.stats().failedUnits,
  );
  gauge(
    'indicium_store_largest_batch',
    'Most units one batch carried since start.',
    () => store.stats().largestBatch,
  );
}
