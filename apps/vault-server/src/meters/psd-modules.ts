import type { ModuleOutcome } from '@indicium/protocol';
import { IndiciumError } from '@indicium/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ModuleTableGuard } from '../module-table/module-table-guard.js';
import { createKeyedQueue } from '../pool/keyed-queue.js';
import type { ModulePool } from '../pool/module-pool.js';
import type { AuditWrite, CheckpointWrite } from '../store/commit-unit.js';
import { moduleRefusal } from './module-refusal.js';

/**
 * One module held for one unit of PSD work. `call` adds the module's checkpoint record to the body
 * (DESIGN §3.6: "before every PSD command the host passes the database's record for that module")
 * and remembers the new one the module answers, so a second command in the same lease (MeterGen's
 * Initialize then Authorize) passes the record the first one made.
 */
export interface ModuleLease {
  readonly serial: string;
  call<S extends z.ZodType>(command: string, body: Record<string, unknown>, answer: S): Promise<z.output<S>>;
  /** The module-table row to commit with the unit (absent while nothing changed). */
  checkpointWrite(): CheckpointWrite | undefined;
  /** Every audit entry the calls made, for the unit. */
  auditWrites(): AuditWrite[];
}

export interface PsdModules {
  /**
   * Runs `fn` holding one in-service module exclusively until `fn` settles — including the commit
   * `fn` makes. A module's NVM checkpoint and its module-table row must move together: a second
   * command that read the row before the first one's commit landed would present a stale record
   * and make the module roll back (§3.6). Meters are serialised by the caller (`pool.withMeter`).
   */
  withModule<T>(fn: (lease: ModuleLease) => Promise<T>): Promise<T>;
  /**
   * Takes a module out of PSD service for officer work that moves its checkpoint outside a lease
   * (the rollover sweep's Translate PSD Package, DESIGN §3.4): no new lease picks it, and the
   * promise resolves once every lease already given on it has settled, its commit included — so
   * from then on its module-table row is its latest record and only the officer moves it (§3.6).
   * Refused (VAULT_UNAVAILABLE) when it would leave no module in PSD service but `allowLast`.
   */
  exclude(serial: string, options?: { allowLast?: boolean }): Promise<void>;
  /** Gives an excluded module back to PSD service. */
  include(serial: string): void;
  isExcluded(serial: string): boolean;
}

export interface PsdModulesDeps {
  readonly pool: ModulePool;
  /** The module-table policy (DESIGN §3.6): which record to present, and what a mismatch means. */
  readonly guard: Pick<ModuleTableGuard, 'checkpointFor' | 'handleMismatch'>;
  readonly log: Logger;
  /**
   * Stores audit entries on their own (the store's audit table). Given, a successful command's
   * entry is committed only in the unit the lease's caller commits (`auditWrites()`), not first
   * on its own through the pool's sink as well: one durable commit per PSD command instead of two
   * (docs/performance.md). When the caller's work fails before or in its commit, the entries go
   * through here, so the module's audit chain has no gap.
   */
  readonly storeAudit?: (entries: readonly AuditWrite[]) => Promise<void>;
}

/**
 * Runs PSD commands on held modules. Before each lease the module-table guard gives the record to
 * present (and refuses an inhibited module or a stopped vault); a CHECKPOINT_MISMATCH answer goes
 * back to the guard, which runs Auto-Recover Checkpoint on the database's record: in step or
 * rolled back, the command runs once more; inhibited, the module is out of PSD service and the
 * request is refused with CHECKPOINT_MISMATCH. Only an officer's Recover Checkpoint brings it back.
 *
 * @example
 * await psd.withModule(async (lease) => {
 *   const done = await lease.call('create-indicium', { package, request }, CreateIndiciumAnswerBodySchema);
 *   await store.commit({ package: …, checkpoint: lease.checkpointWrite(), auditEntries: lease.auditWrites(), … });
 * });
 */
export function createPsdModules(deps: PsdModulesDeps): PsdModules {
  const { pool, guard, storeAudit } = deps;
  const log = deps.log.child({ component: 'psd' });
  const locks = createKeyedQueue();
  const waiting = new Map<string, number>();
  let rotate = 0;

  const excluded = new Set<string>();

  function pick(): string {
    const candidates = pool.info().filter((m) => m.inService && !excluded.has(m.serial));
    if (candidates.length === 0) {
      throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'no module in PSD service' });
    }
    rotate = (rotate + 1) % candidates.length;
    const rotated = [...candidates.slice(rotate), ...candidates.slice(0, rotate)];
    let best = rotated[0] as (typeof rotated)[number];
    for (const m of rotated) {
      if ((waiting.get(m.serial) ?? 0) < (waiting.get(best.serial) ?? 0)) best = m;
    }
    return best.serial;
  }

  async function lease<T>(serial: string, fn: (lease: ModuleLease) => Promise<T>): Promise<T> {
    let current = await guard.checkpointFor(serial);
    let changed = false;
    const audits: AuditWrite[] = [];

    async function dispatch(command: string, body: Record<string, unknown>): Promise<ModuleOutcome> {
      return pool.dispatch(
        { command, body: { ...body, checkpoint: current } },
        { module: serial, auditStoredByCaller: storeAudit !== undefined },
      );
    }

    const held: ModuleLease = {
      serial,
      async call(command, body, answer) {
        let outcome = await dispatch(command, body);
        if (!outcome.ok && outcome.error.code === 'CHECKPOINT_MISMATCH' && !changed) {
          const check = await guard.handleMismatch(serial);
          if (check.result !== 'in-step' && check.result !== 'recovered') {
            log.error({ module: serial, result: check.result }, 'PSD command refused: module table mismatch');
            throw moduleRefusal(outcome.error);
          }
          current = await guard.checkpointFor(serial);
          outcome = await dispatch(command, body);
        }
        // Audit entries of refusals reached the store through the pool's audit sink already.
        if (!outcome.ok) throw moduleRefusal(outcome.error);
        if (outcome.audit !== undefined) audits.push({ moduleId: serial, entry: outcome.audit });
        const parsed = answer.safeParse(outcome.result);
        if (!parsed.success) {
          throw new IndiciumError('INTERNAL_ERROR', {
            detail: `module ${serial}: ${command} answer out of shape`,
          });
        }
        const next = (parsed.data as { checkpoint?: unknown }).checkpoint;
        if (typeof next === 'string') {
          current = next;
          changed = true;
        }
        return parsed.data;
      },
      checkpointWrite: () =>
        changed && current !== null
          ? { moduleId: serial, checkpoint: Buffer.from(current, 'base64') }
          : undefined,
      auditWrites: () => [...audits],
    };
    try {
      const result = await fn(held);
      // `fn` settled after its unit committed `auditWrites()`: the module may drop them from its
      // audit outbox (the pool acknowledges in batches).
      if (storeAudit !== undefined)
        pool.auditStored(
          serial,
          audits.map((a) => a.entry),
        );
      return result;
    } catch (error) {
      // The unit that was to carry these entries did not commit (or failed after its commit:
      // storing an entry again is a no-op). The module has chained them: store them alone. If
      // that fails too they stay in the module's audit outbox, unacknowledged, until a drain.
      if (storeAudit !== undefined && audits.length > 0) {
        await storeAudit(audits).then(
          () =>
            pool.auditStored(
              serial,
              audits.map((a) => a.entry),
            ),
          (cause: unknown) => {
            log.error({ module: serial, err: cause }, 'audit entries of a failed unit not stored');
          },
        );
      }
      throw error;
    }
  }

  return {
    async withModule(fn) {
      const serial = pick();
      waiting.set(serial, (waiting.get(serial) ?? 0) + 1);
      try {
        return await locks.run(serial, () => lease(serial, fn));
      } finally {
        const left = (waiting.get(serial) ?? 1) - 1;
        if (left === 0) waiting.delete(serial);
        else waiting.set(serial, left);
      }
    },
    async exclude(serial, options = {}) {
      const others = pool.info().filter((m) => m.inService && m.serial !== serial && !excluded.has(m.serial));
      if (others.length === 0 && options.allowLast !== true) {
        throw new IndiciumError('VAULT_UNAVAILABLE', {
          field: 'serial',
          detail: `${serial} is the last module in PSD service`,
        });
      }
      excluded.add(serial);
      log.info({ module: serial }, 'module out of PSD service; draining its leases');
      // pick() and locks.run() happen in one synchronous step, so every lease given this module
      // before the line above is queued ahead of this no-op: when it runs, they have all settled.
      await locks.run(serial, async () => undefined);
    },
    include(serial) {
      if (excluded.delete(serial)) log.info({ module: serial }, 'module back in PSD service');
    },
    isExcluded: (serial) => excluded.has(serial),
  };
}
