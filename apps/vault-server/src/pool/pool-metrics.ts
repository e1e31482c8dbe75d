import { Gauge, type Registry } from 'prom-client';
import type { ModulePool } from './module-pool.js';

/**
 * The pool's Prometheus gauges (DESIGN §6 Operations), read from the pool at each scrape so they
 * cannot drift from it: modules in and out of service, requests in flight and thread restarts
 * per module, and meters busy in the per-meter queue. A module whose restarts keep rising is
 * crashing; one stuck out of service is a clone someone did not finish.
 *
 * @example
 * registerPoolMetrics(vault.pool, metrics.registry);
 */
export function registerPoolMetrics(pool: ModulePool, registry: Registry): void {
  new Gauge({
    name: 'indicium_pool_modules',
    help: 'Crypto modules in the pool, by whether they take PSD work.',
    labelNames: ['in_service'] as const,
    registers: [registry],
    collect() {
      const info = pool.info();
      this.set({ in_service: 'true' }, info.filter((m) => m.inService).length);
      this.set({ in_service: 'false' }, info.filter((m) => !m.inService).length);
    },
  });
  new Gauge({
    name: 'indicium_pool_requests_in_flight',
    help: 'Module requests sent to a worker thread and not yet answered, by module.',
    labelNames: ['module'] as const,
    registers: [registry],
    collect() {
      for (const m of pool.info()) this.set({ module: m.serial }, m.inFlight);
    },
  });
  new Gauge({
    name: 'indicium_pool_module_restarts',
    help: 'Times a module thread was restarted over its NVM since the vault started, by module.',
    labelNames: ['module'] as const,
    registers: [registry],
    collect() {
      for (const m of pool.info()) this.set({ module: m.serial }, m.restarts);
    },
  });
  new Gauge({
    name: 'indicium_pool_meters_active',
    help: 'Meters with work queued or running in the per-meter queue.',
    registers: [registry],
    collect() {
      this.set(pool.activeMeters);
    },
  });
}
