import { z } from 'zod';

/**
 * The vault's operations endpoints (DESIGN §6 Operations): liveness and readiness, for load
 * balancers and orchestrators. Prometheus `/metrics` is text in the exposition format, not JSON.
 */
export const OPS_PATHS = Object.freeze({
  health: '/healthz',
  ready: '/readyz',
  metrics: '/metrics',
} as const);

/** `/healthz`: the process is up and answering. */
export const HealthAnswerSchema = z.strictObject({ status: z.literal('ok') });
export type HealthAnswer = z.infer<typeof HealthAnswerSchema>;

/** `/readyz` when every dependency (store, module pool, …) answers; otherwise a 503 error body. */
export const ReadyAnswerSchema = z.strictObject({
  status: z.literal('ready'),
  checks: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), z.literal(true)),
});
export type ReadyAnswer = z.infer<typeof ReadyAnswerSchema>;
