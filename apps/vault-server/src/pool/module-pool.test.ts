import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEntry, IndiciumError, type ModuleOutcome, type ModuleStatus } from '@indicium/protocol';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleFiles } from './module-files.js';
import { createModulePool, type ModulePool } from './module-pool.js';
import type { ModuleWorker } from './module-worker.js';
import { registerPoolMetrics } from './pool-metrics.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'indicium-pool-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function statusOf(outcome: ModuleOutcome): ModuleStatus {
  if (!outcome.ok) throw new Error(`refused: ${outcome.error.code}`);
  return outcome.result as ModuleStatus;
}

async function refusal(promise: Promise<unknown>): Promise<IndiciumError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IndiciumError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('module pool (real worker threads, real NVM files)', () => {
  let dataDir: string;
  let pool: ModulePool;
  const workers = new Map<string, ModuleWorker[]>();
  const audit: { serial: string; entry: AuditEntry }[] = [];

  beforeAll(async () => {
    dataDir = await tempDir();
    pool = await createModulePool({
      dataDir,
      modules: 2,
      restartDelayMs: 10,
      onAudit: (serial, entry) => {
        audit.push({ serial, entry });
      },
      onWorkerStart: (serial, worker) => workers.set(serial, [...(workers.get(serial) ?? []), worker]),
    });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('makes N modules, each with its own 0600 storage key, booted Uninitialized', async () => {
    expect(pool.serials()).toEqual(['M0001', 'M0002']);
    for (const serial of pool.serials()) {
      const files = moduleFiles(dataDir, serial);
      expect((await stat(files.storageKeyPath)).mode & 0o777).toBe(0o600);
      expect((await stat(files.dir)).mode & 0o777).toBe(0o700);
      expect((await readFile(files.storageKeyPath)).length).toBe(32);
      const status = statusOf(await pool.dispatch({ command: 'get-status', body: {} }, { module: serial }));
      expect(status).toMatchObject({ moduleSerial: serial, currentState: 'U' });
    }
    const [a, b] = await Promise.all(
      pool.serials().map((s) => readFile(moduleFiles(dataDir, s).storageKeyPath)),
    );
    expect(a?.equals(b as Buffer)).toBe(false);
  });

  it('hands each audit entry to onAudit before the outcome resolves, and writes the NVM file', async () => {
    const outcome = await pool.dispatch(
      { command: 'start-initialization', body: { time: Date.now() } },
      { module: 'M0001' },
    );
    expect(outcome.ok).toBe(true);
    expect(audit.at(-1)).toMatchObject({ serial: 'M0001', entry: { command: 'start-initialization' } });
    expect(outcome.audit).toEqual(audit.at(-1)?.entry);
    expect((await stat(moduleFiles(dataDir, 'M0001').nvmPath)).mode & 0o777).toBe(0o600);
  });

  it('spreads work over the modules', async () => {
    const served = new Set<string>();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        pool.withModule(async (serial) => {
          served.add(serial);
          await pool.dispatch({ command: 'get-status', body: {} }, { module: serial });
        }),
      ),
    );
    expect(served).toEqual(new Set(['M0001', 'M0002']));
  });

  it('serialises one meter and overlaps different meters', async () => {
    const active = new Map<string, number>();
    let overlapSameMeter = false;
    let peakAcrossMeters = 0;
    let running = 0;
    const work = (meter: string) => async () => {
      const now = (active.get(meter) ?? 0) + 1;
      active.set(meter, now);
      if (now > 1) overlapSameMeter = true;
      running += 1;
      peakAcrossMeters = Math.max(peakAcrossMeters, running);
      // Real module round trips while holding the meter.
      await pool.dispatch({ command: 'get-status', body: {} });
      await pool.dispatch({ command: 'get-status', body: {} });
      running -= 1;
      active.set(meter, (active.get(meter) ?? 1) - 1);
    };
    const order: number[] = [];
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) =>
        pool.withMeter('00042-00001-0000001001', async () => {
          await work('a')();
          order.push(i);
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) => pool.withMeter(`00042-00001-000000200${i}`, work(`b${i}`))),
    ]);
    expect(overlapSameMeter).toBe(false);
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(peakAcrossMeters).toBeGreaterThan(1);
  });

  it('refuses an unknown module with INVALID_FIELD', async () => {
    const error = await refusal(pool.dispatch({ command: 'get-status' }, { module: 'M9999' }));
    expect(error).toMatchObject({ code: 'INVALID_FIELD', field: 'module' });
  });

  it('fails requests in flight with MODULE_CRASHED when a thread dies, then restarts over the same NVM', async () => {
    const before = statusOf(await pool.dispatch({ command: 'get-status', body: {} }, { module: 'M0001' }));
    const victim = workers.get('M0001')?.at(-1) as ModuleWorker;
    const requests = Array.from({ length: 200 }, () =>
      pool.dispatch({ command: 'get-status', body: {} }, { module: 'M0001' }),
    );
    void victim.worker.terminate(); // not through the pool: the pool sees a thread that died unasked
    const settled = await Promise.allSettled(requests);
    const crashed = settled.filter((s) => s.status === 'rejected');
    expect(crashed.length).toBeGreaterThan(0);
    for (const s of crashed)
      expect((s as PromiseRejectedResult).reason).toMatchObject({ code: 'MODULE_CRASHED' });
    await expect.poll(() => workers.get('M0001')?.length, { timeout: 10_000 }).toBe(2);
    const after = statusOf(await pool.dispatch({ command: 'get-status', body: {} }, { module: 'M0001' }));
    // Same NVM: still Initializing persistently, which the boot rules turn into a fatal Error
    // (DESIGN §3.1); a fresh NVM would have come back Uninitialized.
    expect(before.currentState).toBe('I');
    expect(after).toMatchObject({ currentState: 'E', persistentState: 'E', fatal: true });
    expect(after.bootCount).toBe(before.bootCount + 1);
    expect(after.modulePublicKey).toBe(before.modulePublicKey);
    expect(pool.info().find((m) => m.serial === 'M0001')?.restarts).toBe(1);
  });

  it('exports its gauges to a Prometheus registry', async () => {
    const registry = new Registry();
    registerPoolMetrics(pool, registry);
    const text = await registry.metrics();
    expect(text).toContain('indicium_pool_modules{in_service="true"} 2');
    expect(text).toContain('indicium_pool_module_restarts{module="M0001"} 1');
    expect(text).toContain('indicium_pool_requests_in_flight{module="M0002"} 0');
    expect(text).toContain('indicium_pool_meters_active 0');
  });

  it('keeps a module added at run time out of service until told', async () => {
    const added = await pool.addModule();
    expect(added).toMatchObject({ serial: 'M0003', inService: false });
    const served = new Set<string>();
    await Promise.all(Array.from({ length: 6 }, () => pool.withModule(async (serial) => served.add(serial))));
    expect(served.has('M0003')).toBe(false);
    pool.setInService('M0003', true);
    expect(pool.info().find((m) => m.serial === 'M0003')?.inService).toBe(true);
  });
});

describe('module pool lifecycle', () => {
  it('reopens the same modules, drains on close, then refuses work', async () => {
    const dataDir = await tempDir();
    const first = await createModulePool({ dataDir, modules: 1 });
    await first.dispatch({ command: 'start-initialization', body: { time: Date.now() } });
    const initialized = statusOf(await first.dispatch({ command: 'get-status', body: {} }));
    const inFlight = Array.from({ length: 20 }, () => first.dispatch({ command: 'get-status', body: {} }));
    await first.close();
    for (const outcome of await Promise.all(inFlight)) expect(outcome.ok).toBe(true);
    expect(await refusal(first.dispatch({ command: 'get-status' }))).toMatchObject({
      code: 'VAULT_UNAVAILABLE',
    });

    const second = await createModulePool({ dataDir, modules: 1 });
    try {
      expect(second.serials()).toEqual(['M0001']);
      const status = statusOf(await second.dispatch({ command: 'get-status', body: {} }));
      expect(status).toMatchObject({
        persistentState: 'E',
        bootCount: initialized.bootCount + 1,
        modulePublicKey: initialized.modulePublicKey,
      });
    } finally {
      await second.close();
    }
  });

  it('refuses to answer when the audit entry cannot be stored', async () => {
    const dataDir = await tempDir();
    const pool = await createModulePool({
      dataDir,
      modules: 1,
      onAudit: () => {
        throw new Error('disk full');
      },
    });
    try {
      const error = await refusal(
        pool.dispatch({ command: 'start-initialization', body: { time: Date.now() } }),
      );
      expect(error).toMatchObject({ code: 'AUDIT_FAILURE' });
      // An answer without an entry (Get Status makes none) still flows.
      expect((await pool.dispatch({ command: 'get-status', body: {} })).ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("leaves a successful command's audit entry to a caller that stores it in its own unit (auditStoredByCaller)", async () => {
    const dataDir = await tempDir();
    const seen: AuditEntry[] = [];
    const pool = await createModulePool({
      dataDir,
      modules: 1,
      onAudit: (_serial, entry) => {
        seen.push(entry);
      },
    });
    try {
      const done = await pool.dispatch(
        { command: 'start-initialization', body: { time: Date.now() } },
        { auditStoredByCaller: true },
      );
      expect(done.ok).toBe(true);
      expect(done.audit).toMatchObject({ command: 'start-initialization' });
      expect(seen).toEqual([]);
      // Without the option every entry goes to the sink first, as before. (A refusal's entry goes
      // to the sink either way: the e2e value-path test audits a vault after 199 refusals.)
      const signed = await pool.dispatch({ command: 'create-audit-entry', body: {} });
      expect(signed.ok).toBe(true);
      expect(signed.audit).toBeDefined();
      expect(seen).toEqual([signed.audit]);
    } finally {
      await pool.close();
    }
  });

  it('refuses a storage key others can read, and an NVM whose key is gone', async () => {
    const dataDir = await tempDir();
    const pool = await createModulePool({ dataDir, modules: 1 });
    await pool.dispatch({ command: 'start-initialization', body: { time: Date.now() } });
    await pool.close();
    const files = moduleFiles(dataDir, 'M0001');
    await chmod(files.storageKeyPath, 0o644);
    const loose = await refusal(createModulePool({ dataDir, modules: 1 }));
    expect(loose).toMatchObject({ code: 'VAULT_DATA_REFUSED', details: { reason: 'permissions' } });
    await rm(files.storageKeyPath);
    const missing = await refusal(createModulePool({ dataDir, modules: 1 }));
    expect(missing).toMatchObject({ code: 'VAULT_DATA_REFUSED', details: { reason: 'missing' } });
    await writeFile(files.storageKeyPath, Buffer.alloc(16), { mode: 0o600 });
    const short = await refusal(createModulePool({ dataDir, modules: 1 }));
    expect(short).toMatchObject({ code: 'VAULT_DATA_REFUSED', details: { reason: 'malformed' } });
  });
});
