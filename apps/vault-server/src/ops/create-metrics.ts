import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The vault's one Prometheus registry (DESIGN §6 Operations). The pool, store and auditor add their
 * own metrics to `registry`; the HTTP layer records every request by route pattern and status.
 */
export interface VaultMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * Makes the registry with Node's default process metrics and the HTTP request counter and
 * histogram. Labels are the route *pattern* (`/v1/certificates/:serial`), never the raw path, so
 * a scan of random URLs cannot grow the label set without bound.
 *
 * @example
 * const metrics = createMetrics();
 * new Gauge({ name: 'indicium_pool_modules', help: '…', registers: [metrics.registry] });
 */
export function createMetrics(): VaultMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'indicium_' });
  const httpRequests = new Counter({
    name: 'indicium_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'indicium_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration };
}
