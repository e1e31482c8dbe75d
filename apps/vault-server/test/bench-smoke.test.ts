import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The benchmark (`npm run bench`, issue 9) is not a test, but it must not rot: this runs it for
 * 2 seconds at one concurrency level, as a child process from the repository root exactly as
 * `npm run bench -- --json` does, and checks that its last line is the JSON report and that the
 * report holds together (ratio, percentiles, every answered indicium durable, the chart written).
 * It also type-checks `bench/`, which no workspace's typecheck covers.
 */

const ROOT = new URL('../../../', import.meta.url).pathname;

function run(
  command: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'indicium-bench-smoke-'));
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('npm run bench -- --json', () => {
  it('prints a parseable report as its last line after a 2-second run', async () => {
    const { code, stdout, stderr } = await run(process.execPath, [
      '--conditions=@indicium/source',
      '--import',
      'tsx',
      'bench/run-bench.ts',
      '--duration',
      '2',
      '--concurrency',
      '1',
      '--pool-size',
      '1',
      '--sign-seconds',
      '1',
      '--out',
      outDir,
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const last = stdout.trimEnd().split('\n').at(-1) ?? '';
    const report = JSON.parse(last) as Record<string, unknown> & {
      sweep: {
        concurrency: number;
        indicia: number;
        storeUnitsPerIndicium: number;
        storeSyncsPerIndicium: number;
      }[];
      targets: Record<string, boolean>;
    };
    const number = (key: string) => {
      const value = report[key];
      expect(typeof value, key).toBe('number');
      expect(Number.isFinite(value), key).toBe(true);
      return value as number;
    };
    const perSecond = number('indiciaPerSecond');
    const raw = number('rawSignPerSecond');
    expect(perSecond).toBeGreaterThan(0);
    expect(raw).toBeGreaterThan(perSecond);
    expect(number('ratio')).toBeCloseTo(perSecond / raw, 12);
    expect(number('p50Ms')).toBeGreaterThan(0);
    expect(number('p99Ms')).toBeGreaterThanOrEqual(number('p50Ms'));
    expect(report.sweep.map((p) => p.concurrency)).toEqual([1]);
    // Each indicium is at least its own commit unit, and no answer leaves before a sync.
    expect(report.sweep[0]?.storeUnitsPerIndicium).toBeGreaterThanOrEqual(1);
    expect(report.sweep[0]?.storeSyncsPerIndicium).toBeGreaterThan(0);
    expect(report.answered).toBeGreaterThan(0);
    expect(report.durable).toBe(report.answered);
    expect(report.store).toBe('sqlite');
    expect(Object.keys(report.targets).sort()).toEqual(['p99AtHalfLoad', 'throughput']);
    const svg = await readFile(join(outDir, 'sweep-sqlite.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toMatch(/^<title>Indicium vault, SQLite .*<\/title>$/m);
    expect(svg).toContain('<polyline');
    expect(JSON.parse(await readFile(join(outDir, 'bench-sqlite.json'), 'utf8'))).toEqual(report);
  }, 180_000);

  it('refuses a malformed flag with exit code 2 before starting anything', async () => {
    const { code, stderr } = await run(process.execPath, [
      '--conditions=@indicium/source',
      '--import',
      'tsx',
      'bench/run-bench.ts',
      '--concurrency',
      '1,zero',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--concurrency');
  });

  it('type-checks (bench/ is in no workspace, so no workspace typecheck covers it)', async () => {
    const { code, stdout } = await run(process.execPath, [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'bench/tsconfig.json',
      '--noEmit',
    ]);
    expect(stdout).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
