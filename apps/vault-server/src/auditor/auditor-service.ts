import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AuditReport } from './audit-report.js';
import { registerAuditorMetrics } from './auditor-metrics.js';

/** The auditor of DESIGN §3.5 and §6: verifies on a schedule and on demand, alerts by log and metric. */
export interface AuditorService {
  /** Runs a verification now (joins the run in progress, if any) and returns its report. */
  verifyNow(): Promise<AuditReport>;
  /** The report of the last finished run, or null before the first. */
  lastReport(): AuditReport | null;
  /** Starts the schedule: a first run soon after start, then one every `intervalMs`. */
  start(): void;
  /** Stops the schedule and waits for a run in progress (shutdown: before the pool closes). */
  stop(): Promise<void>;
}

export interface AuditorServiceOptions {
  /** One full run (`runAudit` bound to the vault's pool, store and keys). */
  readonly run: () => Promise<AuditReport>;
  readonly intervalMs: number;
  /** Delay of the first scheduled run after `start()`; default 1 s. */
  readonly firstRunDelayMs?: number;
  readonly log: Logger;
  readonly registry: Registry;
}

function problemKey(p: AuditReport['meters'][number]): string {
  return [p.meterId, p.kind, ...p.entries.map((e) => `${e.moduleSerial}#${e.sequence}`)].join('|');
}

/**
 * Schedules and serialises audit runs and turns their reports into alerts: an ERROR log line
 * (STYLE: ERROR means someone must act) naming the failing modules, the problem kinds and the
 * meters, never entry contents; `indicium_audit_verification_failures_total` and
 * `indicium_meter_ar_regressions_total` rise, `indicium_audit_last_success_timestamp_seconds`
 * stops moving. A run that throws is logged and counted as an error; the schedule goes on.
 *
 * @example
 * const auditor = createAuditorService({ run: () => runAudit(deps), intervalMs: 300_000, log, registry });
 * auditor.start();
 */
export function createAuditorService(options: AuditorServiceOptions): AuditorService {
  const metrics = registerAuditorMetrics(options.registry);
  const seenMeterProblems = new Set<string>();
  let last: AuditReport | null = null;
  let current: Promise<AuditReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function record(report: AuditReport): void {
    last = report;
    for (const m of report.modules) metrics.entries.set({ module: m.moduleSerial }, m.entries);
    for (const problem of report.meters) {
      const key = problemKey(problem);
      if (!seenMeterProblems.has(key)) {
        seenMeterProblems.add(key);
        metrics.arRegressions.inc();
      }
    }
    if (report.valid) {
      metrics.runs.inc({ result: 'valid' });
      metrics.lastSuccess.set(report.finishedAtMs / 1000);
      options.log.info(
        { modules: report.modules.length, metersChecked: report.metersChecked },
        'audit verified',
      );
      return;
    }
    metrics.runs.inc({ result: 'invalid' });
    metrics.failures.inc();
    options.log.error(
      {
        failedModules: report.modules
          .filter((m) => m.result === 'failed')
          .map((m) => ({ module: m.moduleSerial, problems: [...new Set(m.problems.map((p) => p.kind))] })),
        meters: report.meters.map((p) => ({ meterId: p.meterId, kind: p.kind, entries: p.entries })),
      },
      'audit verification failed: an officer must investigate (vaultctl audit verify-vault)',
    );
  }

  function verifyNow(): Promise<AuditReport> {
    if (current !== null) return current;
    const run = (async () => {
      try {
        // Through a promise, so even a synchronous throw settles this run after `current` is set.
        const report = await Promise.resolve().then(options.run);
        record(report);
        return report;
      } catch (error) {
        metrics.runs.inc({ result: 'error' });
        metrics.failures.inc();
        options.log.error({ err: error }, 'audit verification could not run');
        throw error;
      } finally {
        current = null;
      }
    })();
    current = run;
    return run;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      verifyNow()
        .catch(() => undefined) // logged and counted in verifyNow
        .finally(() => schedule(options.intervalMs));
    }, delayMs);
    timer.unref();
  }

  return {
    verifyNow,
    lastReport: () => last,
    start() {
      stopped = false;
      if (timer === null) schedule(options.firstRunDelayMs ?? 1_000);
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await current?.catch(() => undefined);
    },
  };
}
