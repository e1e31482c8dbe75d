import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from './create-store.js';
import { indiciumUnit, packageWrite } from './testing/store-fixtures.js';

/**
 * Group-commit bench (numbers, not assertions): at concurrency C, C meters each commit
 * Create-Indicium units back to back for a few seconds on a real file with synchronous = FULL;
 * prints commits/s, units per batch and latency. Concurrency 1 is the one-sync-per-unit floor;
 * higher concurrency shows what batching buys.
 *
 * Run: cd apps/vault-server && node --conditions=@indicium/source --import tsx src/store/store-bench.ts [seconds]
 */
const seconds = Number(process.argv[2] ?? '3');
const levels = [1, 16, 256];

async function run(concurrency: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'indicium-store-bench-'));
  const store = await createStore({ kind: 'sqlite', path: join(dir, 'vault.db') });
  try {
    await Promise.all(
      Array.from({ length: concurrency }, (_, m) => store.commit({ package: packageWrite(m + 1, 1, null) })),
    );
    const start = store.stats();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const latencies: number[] = [];
    let id = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, m) => {
        for (let version = 2; performance.now() < deadline; version++) {
          const t0 = performance.now();
          const n = id++;
          await store.commit(
            indiciumUnit(m + 1, version, `bench-${String(n).padStart(8, '0')}`, `m${m}`, version),
          );
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const end = store.stats();
    const units = end.units - start.units;
    const batches = end.batches - start.batches;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(2);
    return [
      String(concurrency).padStart(11),
      (units / elapsed).toFixed(0).padStart(10),
      (batches / elapsed).toFixed(0).padStart(11),
      (units / batches).toFixed(1).padStart(12),
      pct(0.5).padStart(8),
      pct(0.99).padStart(8),
    ].join(' ');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

process.stdout.write(`SQLite group commit, ${seconds} s per level, synchronous = FULL, WAL\n`);
process.stdout.write('concurrency  commits/s  batches/s  units/batch  p50 ms  p99 ms\n');
for (const c of levels) process.stdout.write(`${await run(c)}\n`);
