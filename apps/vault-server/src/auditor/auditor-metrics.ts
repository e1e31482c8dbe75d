import { Counter, Gauge, type Registry } from 'prom-client';

/** The auditor's alerting metrics (DESIGN §3.5, §6): alert on a failure counter rising or a stale success. */
export interface AuditorMetrics {
  readonly runs: Counter<'result'>;
  readonly failures: Counter;
  readonly lastSuccess: Gauge;
  readonly arRegressions: Counter;
  readonly entries: Gauge<'module'>;
}

export function registerAuditorMetrics(registry: Registry): AuditorMetrics {
  return {
    runs: new Counter({
      name: 'indicium_audit_verification_runs_total',
      help: 'Audit verification runs, by result (valid, invalid, error).',
      labelNames: ['result'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'indicium_audit_verification_failures_total',
      help: 'Audit runs that found a broken chain, a bad signature, a missing key or head, or a meter problem.',
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'indicium_audit_last_success_timestamp_seconds',
      help: 'When the last audit run that verified every module and meter finished (0: never).',
      registers: [registry],
    }),
    arRegressions: new Counter({
      name: 'indicium_meter_ar_regressions_total',
      help: 'Distinct meter problems found (AR went down, package version reused): replayed database records.',
      registers: [registry],
    }),
    entries: new Gauge({
      name: 'indicium_audit_entries_verified',
      help: 'Audit entries of each module covered by the last run.',
      labelNames: ['module'],
      registers: [registry],
    }),
  };
}
