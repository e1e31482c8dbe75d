import { Gauge } from 'prom-client';
import type { ModulePool } from '../pool/module-pool.js';
import type { Store } from '../store/store.js';
import type { VaultMetrics } from './create-metrics.js';

/**
 * The store's group-commit counters and the pool's module states on the vault's registry, read at
 * scrape time (nothing to keep in step): an operator sees batches per sync, failed units, modules
 * out of service and crash restarts next to the HTTP metrics.
 *
 * @example
 * registerCoreMetrics(metrics, { store, pool: vault.pool });
 */
export function registerCoreMetrics(
  metrics: VaultMetrics,
  sources: { readonly store: Pick<Store, 'stats'>; readonly pool: Pick<ModulePool, 'info'> },
): void {
  const registers = [metrics.registry];
  const storeGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  storeGauge(
    'indicium_store_commit_batches',
    'Committed batches (one sync each) since start.',
    () => sources.store.stats().batches,
  );
  storeGauge(
    'indicium_store_commit_units',
    'Commit units written since start.',
    () => sources.store.stats().units,
  );
  storeGauge(
    'indicium_store_failed_units',
    'Commit units refused since start (stale package, duplicate).',
    () => sources.store.stats().failedUnits,
  );
  storeGauge(
    'indicium_store_largest_batch',
    'Most units one batch carried since start.',
    () => sources.store.stats().largestBatch,
  );

  new Gauge({
    name: 'indicium_pool_modules',
    help: 'Modules in the pool, by whether they take PSD work.',
    labelNames: ['in_service'] as const,
    registers,
    collect() {
      const modules = sources.pool.info();
      this.set({ in_service: 'true' }, modules.filter((m) => m.inService).length);
      this.set({ in_service: 'false' }, modules.filter((m) => !m.inService).length);
    },
  });
  new Gauge({
    name: 'indicium_pool_module_in_flight',
    help: 'Requests in flight per module.',
    labelNames: ['module'] as const,
    registers,
    collect() {
      this.reset();
      for (const m of sources.pool.info()) this.set({ module: m.serial }, m.inFlight);
    },
  });
  new Gauge({
    name: 'indicium_pool_module_restarts',
    help: 'Worker restarts per module since start (crashes).',
    labelNames: ['module'] as const,
    registers,
    collect() {
      this.reset();
      for (const m of sources.pool.info()) this.set({ module: m.serial }, m.restarts);
    },
  });
}
