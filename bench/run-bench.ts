import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetersAnswer } from '@indicium/protocol';
import { startVaultProcess, type VaultProcess } from '../apps/vault-server/src/http/testing/vault-process.js';
import { startPostgresTestServer } from '../apps/vault-server/test/support/postgres-test-server.js';
import { parseBenchOptions } from './bench-options.js';
import { type LoadResult, runClosedLoop, runOpenLoop } from './drive-load.js';
import { cpuSeconds, peakRssBytes, resetPeakRss } from './process-usage.js';
import { measureRawSignRate } from './raw-sign-rate.js';
import { type Fleet, registerFleet } from './simulated-companions.js';
import { storeCounters } from './store-counters.js';
import { sweepChartSvg } from './sweep-chart.js';

/**
 * `npm run bench` (issue 9): the vault on its embedded defaults (or PostgreSQL) in a temporary data
 * folder, M simulated companions over real HTTPS speaking the real protocol, a sweep over M, a
 * run at half the best throughput for the latency target, and the machine's raw all-core ECDSA
 * signing rate measured in the same run. Human-readable lines first; with --json the last line is
 * one JSON object. Not a test: `npm test` never runs it (a smoke test runs it for 2 s).
 */

interface PhaseReport extends LoadResult {
  readonly concurrency: number;
  /** Vault CPU over the phase, in cores (1.0 = one core busy all the time). */
  readonly vaultCores: number;
  /** The benchmark's own CPU (the simulated companions share the machine with the vault). */
  readonly clientCores: number;
  readonly vaultPeakRssMiB: number;
  /** Group-commit batches (one sync each) and units written per indicium answered. */
  readonly storeSyncsPerIndicium: number;
  readonly storeUnitsPerIndicium: number;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function measured(vault: VaultProcess, concurrency: number, run: () => Promise<LoadResult>) {
  const pid = vault.child.pid as number;
  await resetPeakRss(pid);
  const storeBefore = await storeCounters(vault);
  const vaultBefore = await cpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const result = await run();
  const vaultAfter = await cpuSeconds(pid);
  const client = process.cpuUsage(clientBefore);
  const storeAfter = await storeCounters(vault);
  return {
    ...result,
    concurrency,
    vaultCores: (vaultAfter - vaultBefore) / result.seconds,
    clientCores: (client.user + client.system) / 1e6 / result.seconds,
    vaultPeakRssMiB: (await peakRssBytes(pid)) / 2 ** 20,
    storeSyncsPerIndicium: (storeAfter.batches - storeBefore.batches) / result.indicia,
    storeUnitsPerIndicium: (storeAfter.units - storeBefore.units) / result.indicia,
  } satisfies PhaseReport;
}

function phaseLine(label: string, p: PhaseReport): string {
  const errors = Object.entries(p.errors)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return [
    label.padEnd(10),
    `${fixed(p.indiciaPerSecond).padStart(8)}/s`,
    `p50 ${fixed(p.latency.p50Ms).padStart(7)} ms`,
    `p95 ${fixed(p.latency.p95Ms).padStart(7)} ms`,
    `p99 ${fixed(p.latency.p99Ms).padStart(7)} ms`,
    `vault CPU ${fixed(p.vaultCores, 2)} cores`,
    `bench CPU ${fixed(p.clientCores, 2)} cores`,
    `vault peak RSS ${fixed(p.vaultPeakRssMiB, 0)} MiB`,
    `store syncs/indicium ${fixed(p.storeSyncsPerIndicium, 2)}`,
    `units/indicium ${fixed(p.storeUnitsPerIndicium, 2)}`,
    errors === '' ? '' : `errors ${errors}`,
  ].join('  ');
}

/** Every 200 answer must be a committed indicium: the meters' piece counts, read back, say how many. */
async function durablePieces(fleet: Fleet): Promise<number> {
  const answer = await fleet.customer.call('GET', '/v1/meters');
  if (answer.status !== 200) throw new Error(`meters: ${answer.status} ${answer.text}`);
  const ours = new Set(fleet.companions.map((c) => c.meterId));
  return answer
    .json<MetersAnswer>()
    .meters.filter((m) => ours.has(m.meterId))
    .reduce((sum, m) => sum + m.pieceCount, 0);
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), join(import.meta.dirname, 'results'));
  const duration = options.durationSeconds * 1000;
  const postgres = options.postgres && options.databaseUrl === null ? await startPostgresTestServer() : null;
  const dataDir = await mkdtemp(join(options.dataBase, 'indicium-bench-'));
  let vault: VaultProcess | null = null;
  let fleet: Fleet | null = null;
  try {
    const databaseUrl =
      options.databaseUrl ?? (postgres === null ? null : await postgres.createDatabase('bench'));
    if (options.cpuProfDir !== null) {
      await mkdir(options.cpuProfDir, { recursive: true });
      process.env.INDICIUM_CPU_PROF_DIR = options.cpuProfDir;
      process.env.NODE_OPTIONS = `--import ${join(import.meta.dirname, 'cpu-profile.preload.mjs')}`;
    }
    const started = performance.now();
    vault = await startVaultProcess(dataDir, [
      '--pool-size',
      String(options.poolSize),
      ...(databaseUrl === null ? [] : ['--database-url', databaseUrl]),
    ]);
    delete process.env.NODE_OPTIONS;
    const store = databaseUrl === null ? 'SQLite (embedded default)' : 'PostgreSQL';
    out(
      `vault up in ${fixed((performance.now() - started) / 1000)} s: ${store}, pool of ${options.poolSize} modules, ${vault.url}`,
    );

    const raw = await measureRawSignRate({ durationMs: options.signSeconds * 1000 });
    out(
      `raw ECDSA P-256 signing, ${raw.workers} workers: ${fixed(raw.perSecond, 0)}/s (${raw.perWorker.map((r) => fixed(r, 0)).join(' + ')})`,
    );

    const most = Math.max(...options.concurrency);
    const registering = performance.now();
    fleet = await registerFleet(vault, most, { parallel: 4, keepAlive: !options.handshakePerRequest });
    out(`${most} companions registered in ${fixed((performance.now() - registering) / 1000)} s`);

    const sweep: PhaseReport[] = [];
    for (const m of options.concurrency) {
      const phase = await measured(vault, m, () =>
        runClosedLoop(fleet?.companions.slice(0, m) ?? [], duration),
      );
      sweep.push(phase);
      out(phaseLine(`M=${m}`, phase));
    }
    const best = sweep.reduce((a, b) => (b.indiciaPerSecond > a.indiciaPerSecond ? b : a));
    const halfRate = best.indiciaPerSecond / 2;
    const half = await measured(vault, most, () => runOpenLoop(fleet?.companions ?? [], halfRate, duration));
    out(phaseLine(`½ max`, half));

    const answered = [...sweep, half].reduce((sum, p) => sum + p.indicia, 0);
    const durable = await durablePieces(fleet);
    const ratio = best.indiciaPerSecond / raw.perSecond;
    const targets = {
      throughput: ratio >= 0.1,
      p99AtHalfLoad: half.latency.p99Ms < 25,
    };
    out(
      `durable: ${durable} indicia in the meters' records for ${answered} answered (${durable === answered ? 'all' : 'MISMATCH'})`,
    );
    out(
      `best: ${fixed(best.indiciaPerSecond)}/s at M=${best.concurrency}; ratio to raw signing ${fixed(ratio * 100, 2)} % (target ≥ 10 %: ${targets.throughput ? 'met' : 'not met'})`,
    );
    out(
      `at half of it (${fixed(halfRate)}/s offered): p99 ${fixed(half.latency.p99Ms)} ms (target < 25 ms: ${targets.p99AtHalfLoad ? 'met' : 'not met'})`,
    );

    await mkdir(options.outDir, { recursive: true });
    const tag = databaseUrl === null ? 'sqlite' : 'postgres';
    const chart = join(options.outDir, `sweep-${tag}.svg`);
    await writeFile(
      chart,
      sweepChartSvg(
        sweep.map((p) => ({
          concurrency: p.concurrency,
          indiciaPerSecond: p.indiciaPerSecond,
          p99Ms: p.latency.p99Ms,
        })),
        {
          title: `Indicium vault, ${store}, pool ${options.poolSize}: durable indicia/s and p99 vs companions`,
          targetPerSecond: raw.perSecond * 0.1,
        },
      ),
    );
    out(`chart: ${chart}`);
    const report = {
      store: tag,
      poolSize: options.poolSize,
      keepAlive: !options.handshakePerRequest,
      durationSeconds: options.durationSeconds,
      indiciaPerSecond: best.indiciaPerSecond,
      bestConcurrency: best.concurrency,
      rawSignPerSecond: raw.perSecond,
      ratio,
      p50Ms: half.latency.p50Ms,
      p95Ms: half.latency.p95Ms,
      p99Ms: half.latency.p99Ms,
      halfLoad: { offeredPerSecond: halfRate, ...half },
      sweep,
      durable,
      answered,
      targets,
      chart,
    };
    await writeFile(join(options.outDir, `bench-${tag}.json`), `${JSON.stringify(report, null, 2)}\n`);
    if (durable !== answered) process.exitCode = 1;
    if (options.json) out(JSON.stringify(report));
  } finally {
    fleet?.close();
    await vault?.stop();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
