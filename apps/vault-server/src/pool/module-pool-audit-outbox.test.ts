import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEntry, IndiciumError, type ModuleOutcome } from '@indicium/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { createModulePool, type ModulePool } from './module-pool.js';

/**
 * The pool and the modules' audit outboxes (crypto-module README "Audit"): real worker threads
 * over real NVM files. The sink is a map keyed by (module, sequence) — a store where storing an
 * entry twice is a no-op, as the vault's audit table.
 */

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface Sink {
  readonly stored: Map<string, AuditEntry>;
  /** Sequences whose next store attempt fails (a database that refused the commit). */
  readonly failNext: Set<number>;
  /** Every entry handed to the sink, repeats included. */
  handed: number;
  onAudit(serial: string, entry: AuditEntry): void;
}

function sink(): Sink {
  const s: Sink = {
    stored: new Map(),
    failNext: new Set(),
    handed: 0,
    onAudit(serial, entry) {
      s.handed += 1;
      if (s.failNext.delete(entry.sequence)) throw new Error(`store refused entry ${entry.sequence}`);
      s.stored.set(`${serial}/${entry.sequence}`, entry);
    },
  };
  return s;
}

async function openPool(dataDir: string, into: Sink): Promise<ModulePool> {
  return createModulePool({ dataDir, modules: 1, restartDelayMs: 10, onAudit: (s, e) => into.onAudit(s, e) });
}

function ok(outcome: ModuleOutcome): unknown {
  if (!outcome.ok) throw new Error(`refused: ${outcome.error.code}`);
  return outcome.result;
}

async function outbox(pool: ModulePool): Promise<AuditEntry[]> {
  const result = ok(await pool.dispatch({ command: 'read-audit-outbox', body: {} }, { module: 'M0001' }));
  return (result as { entries: AuditEntry[] }).entries;
}

/** The sequences stored for M0001, in order. */
function sequences(into: Sink): number[] {
  return [...into.stored.values()].map((e) => e.sequence).sort((a, b) => a - b);
}

function entry(pool: ModulePool, reason: string, auditStoredByCaller = false): Promise<ModuleOutcome> {
  return pool.dispatch(
    { command: 'create-audit-entry', body: { reason } },
    { module: 'M0001', auditStoredByCaller },
  );
}

async function initialized(into: Sink): Promise<{ dataDir: string; pool: ModulePool }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'indicium-outbox-'));
  dirs.push(dataDir);
  const pool = await openPool(dataDir, into);
  ok(
    await pool.dispatch({ command: 'start-initialization', body: { time: Date.now() } }, { module: 'M0001' }),
  );
  return { dataDir, pool };
}

describe('module pool and the audit outbox', () => {
  it('acknowledges what its sink stored, so a module makes far more than 256 entries without filling up', {
    timeout: 120_000,
  }, async () => {
    const into = sink();
    const { pool } = await initialized(into);
    for (let i = 0; i < 300; i++) ok(await entry(pool, `entry ${i}`));
    expect(sequences(into)).toEqual([...Array(301).keys()]);
    // Batched: a few dozen entries at most wait for their acknowledgement.
    expect((await outbox(pool)).length).toBeLessThanOrEqual(64);
    await pool.close();
  });

  it('at a module start, stores what a killed vault never committed, then acknowledges it', async () => {
    const into = sink();
    const { dataDir, pool } = await initialized(into);
    // The caller was to commit these in its own unit, and died first: never stored, never reported.
    for (let i = 0; i < 3; i++) ok(await entry(pool, `lost ${i}`, true));
    expect(sequences(into)).toEqual([0]);
    const kept = await outbox(pool);
    expect(kept.map((e) => e.sequence).slice(-3)).toEqual([1, 2, 3]);
    await pool.close();

    const again = await openPool(dataDir, into);
    expect(sequences(into)).toEqual([0, 1, 2, 3]);
    expect(into.stored.get('M0001/3')).toEqual(kept.at(-1));
    expect(await outbox(again)).toEqual([]);
    // And the chain goes on from there.
    ok(await entry(again, 'after the restart'));
    expect(sequences(into)).toEqual([0, 1, 2, 3, 4]);
    await again.close();
  });

  it('an entry whose store failed holds back the acknowledgements; a module restart stores it, no hole', async () => {
    const into = sink();
    const { pool } = await initialized(into);
    into.failNext.add(2);
    ok(await entry(pool, 'one'));
    const refused = await entry(pool, 'two').then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(IndiciumError);
    expect((refused as IndiciumError).code).toBe('AUDIT_FAILURE');
    for (let i = 0; i < 40; i++) ok(await entry(pool, `more ${i}`));
    expect(sequences(into)).not.toContain(2);
    // Nothing from entry 2 on was acknowledged: the module still holds it and all after it.
    const held = await outbox(pool);
    expect(held[0]?.sequence).toBeLessThanOrEqual(2);
    expect(held.at(-1)?.sequence).toBe(42);

    await pool.restart('M0001');
    expect(sequences(into)).toEqual([...Array(43).keys()]);
    expect(await outbox(pool)).toEqual([]);
    await pool.close();
  });

  it('a full outbox is drained by the pool and the refused command runs (AUDIT_OUTBOX_FULL never reaches the caller)', {
    timeout: 120_000,
  }, async () => {
    const into = sink();
    const { pool } = await initialized(into);
    // Entries the caller says it stores and never reports: the outbox fills.
    let held = await outbox(pool);
    while (held.length < 256) {
      ok(await entry(pool, 'unreported', true));
      held = await outbox(pool);
    }
    const last = held.at(-1)?.sequence ?? -1;
    const handed = into.handed;
    ok(await entry(pool, 'one more'));
    // The 256 kept entries, then the refused command's own entry once it ran.
    expect(into.handed - handed).toBe(257);
    expect(sequences(into)).toEqual([...Array(last + 2).keys()]);
    expect(into.stored.get(`M0001/${last + 1}`)?.data).toEqual({ reason: 'one more' });
    await pool.close();
  });
});
