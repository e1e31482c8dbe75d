import { HealthAnswerSchema, IndiciumError, OPS_PATHS, ReadyAnswerSchema } from '@indicium/protocol';
import { defineRoute, type Route } from '../http/route.js';
import type { VaultMetrics } from './create-metrics.js';

/** One dependency `/readyz` asks (the store, the module pool, …). */
export interface ReadinessCheck {
  /** Lower-case name shown in the answer (`store`, `pool`). */
  readonly name: string;
  /** True when the dependency can serve; a throw counts as not ready. */
  check(): Promise<boolean>;
}

const CHECK_TIMEOUT_MS = 2_000;

async function probe(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz` (the process answers), `/readyz` (every dependency answers: a load balancer sends no
 * work before; 503 VAULT_UNAVAILABLE naming the failing checks otherwise, and during shutdown), and
 * `/metrics` in the Prometheus text format. `/metrics` is for this machine only (`auth: 'local'`):
 * its process and route statistics are nobody else's business; scrape through a local agent.
 */
export function opsRoutes(deps: {
  readonly checks: readonly ReadinessCheck[];
  readonly metrics: VaultMetrics;
  readonly isDraining: () => boolean;
}): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: OPS_PATHS.health,
      auth: 'public',
      tag: 'operations',
      summary: 'Liveness: the process is up',
      answer: { status: 200, schema: HealthAnswerSchema },
      handler: async () => ({ json: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: OPS_PATHS.ready,
      auth: 'public',
      tag: 'operations',
      summary: 'Readiness: the store and the module pool can serve',
      answer: { status: 200, schema: ReadyAnswerSchema },
      errors: ['VAULT_UNAVAILABLE'],
      handler: async () => {
        if (deps.isDraining()) {
          throw new IndiciumError('VAULT_UNAVAILABLE', { details: { reason: 'shutting-down' } });
        }
        const results = await Promise.all(deps.checks.map(async (c) => [c.name, await probe(c)] as const));
        const failing = results.filter(([, ok]) => !ok).map(([name]) => name);
        if (failing.length > 0) throw new IndiciumError('VAULT_UNAVAILABLE', { details: { failing } });
        return { json: { status: 'ready', checks: Object.fromEntries(results) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: OPS_PATHS.metrics,
      auth: 'local',
      tag: 'operations',
      summary: 'Prometheus metrics (text exposition format); local machine only',
      answer: { status: 200, text: 'text/plain' },
      handler: async () => ({
        text: await deps.metrics.registry.metrics(),
        contentType: deps.metrics.registry.contentType,
      }),
    }),
  ];
}
