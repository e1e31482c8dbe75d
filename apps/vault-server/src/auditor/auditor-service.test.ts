import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from './audit-report.js';
import { createAuditorService } from './auditor-service.js';

const valid: AuditReport = {
  valid: true,
  startedAtMs: 1_700_000_000_000,
  finishedAtMs: 1_700_000_001_500,
  modules: [{ moduleSerial: 'M0001', result: 'verified', entries: 12, problems: [] }],
  meters: [],
  metersChecked: 3,
};

const regression: AuditReport = {
  ...valid,
  valid: false,
  finishedAtMs: 1_700_000_009_000,
  modules: [
    { moduleSerial: 'M0001', result: 'verified', entries: 14, problems: [] },
    { moduleSerial: 'M0002', result: 'failed', entries: 9, problems: [{ index: 4, kind: 'chain-break' }] },
  ],
  meters: [
    {
      meterId: '00042-00001-0000001001',
      kind: 'ar-decreased',
      entries: [
        { moduleSerial: 'M0001', sequence: 7 },
        { moduleSerial: 'M0002', sequence: 3 },
      ],
    },
  ],
};

function harness(reports: (AuditReport | Error)[], intervalMs = 60_000) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const registry = new Registry();
  let runs = 0;
  const service = createAuditorService({
    run: async () => {
      const next = reports[Math.min(runs, reports.length - 1)];
      runs++;
      await sleep(5);
      if (next instanceof Error) throw next;
      return next as AuditReport;
    },
    intervalMs,
    firstRunDelayMs: 1,
    log,
    registry,
  });
  const metric = async (name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values.map((v) => [v.labels, v.value]);
  return { service, lines, registry, metric, runs: () => runs };
}

describe('auditor service (DESIGN §3.5, §6: verifies on a schedule and on demand, alerts)', () => {
  it('a valid run moves the last-success gauge and logs at info, no ERROR', async () => {
    const h = harness([valid]);
    expect(h.service.lastReport()).toBeNull();
    expect(await h.service.verifyNow()).toEqual(valid);
    expect(h.service.lastReport()).toEqual(valid);
    expect(await h.metric('indicium_audit_last_success_timestamp_seconds')).toEqual([[{}, 1_700_000_001.5]]);
    expect(await h.metric('indicium_audit_verification_failures_total')).toEqual([[{}, 0]]);
    expect(h.lines.filter((l) => l.level === 50)).toEqual([]);
  });

  it('a failed run alerts: ERROR naming modules, kinds and meters; failure and AR counters rise once per problem', async () => {
    const h = harness([valid, regression, regression]);
    await h.service.verifyNow();
    await h.service.verifyNow();
    await h.service.verifyNow();
    expect(await h.metric('indicium_audit_verification_failures_total')).toEqual([[{}, 2]]);
    // The same regression seen twice is one problem, not two.
    expect(await h.metric('indicium_meter_ar_regressions_total')).toEqual([[{}, 1]]);
    expect(await h.metric('indicium_audit_last_success_timestamp_seconds')).toEqual([[{}, 1_700_000_001.5]]);
    const errors = h.lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({
      failedModules: [{ module: 'M0002', problems: ['chain-break'] }],
      meters: [{ meterId: '00042-00001-0000001001', kind: 'ar-decreased' }],
    });
  });

  it('a run that throws is counted as an error and logged; the next run still happens', async () => {
    const h = harness([new Error('store closed'), valid]);
    await expect(h.service.verifyNow()).rejects.toThrow('store closed');
    expect(await h.metric('indicium_audit_verification_runs_total')).toEqual([[{ result: 'error' }, 1]]);
    expect(h.lines.some((l) => l.level === 50 && l.msg === 'audit verification could not run')).toBe(true);
    expect((await h.service.verifyNow()).valid).toBe(true);
  });

  it('concurrent requests share one run', async () => {
    const h = harness([valid]);
    const [a, b] = await Promise.all([h.service.verifyNow(), h.service.verifyNow()]);
    expect(a).toBe(b);
    expect(h.runs()).toBe(1);
  });

  it('runs on its schedule after start, and stop() ends it', async () => {
    const h = harness([valid], 20);
    h.service.start();
    await sleep(150);
    await h.service.stop();
    const ran = h.runs();
    expect(ran).toBeGreaterThanOrEqual(2);
    await sleep(80);
    expect(h.runs()).toBe(ran);
  });
});
