import type { ModuleOutcome } from '@indicium/protocol';
import { IndiciumError } from '@indicium/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ModuleTableGuard } from '../module-table/module-table-guard.js';
import { createKeyedQueue } from '../pool/keyed-queue.js';
import type { ModulePool } from '../pool/module-pool.js';
import type { AuditWrite, CommitUnit } from '../store/commit-unit.js';
import type { Store } from '../store/store.js';
import { moduleRefusal } from './module-refusal.js';

/** What a lease's caller commits; the lease adds the module's checkpoint and audit entries. */
export type LeaseUnit = Omit<CommitUnit, 'checkpoint' | 'auditEntries'>;

/**
 * One module held for one unit of PSD work. `call` adds the module's checkpoint record to the body
 * (DESIGN §3.6: "before every PSD command the host passes the database's record for that module")
 * and remembers the new one the module answers, so a second command in the same lease (MeterGen's
 * Initialize then Authorize) passes the record the first one made. `commit` stores the unit.
 */
export interface ModuleLease {
  readonly serial: string;
  call<S extends z.ZodType>(command: string, body: Record<string, unknown>, answer: S): Promise<z.output<S>>;
  /**
   * Commits `unit` with the module's new checkpoint (naming the record its commands ran against)
   * and every audit entry the calls made, as one unit; resolves once it is durable. As soon as the
   * unit is queued the module takes its next lease (another meter's command) while this commit
   * is on its way; see `createPsdModules`. Once per lease.
   */
  commit(unit: LeaseUnit): Promise<void>;
}

export interface LeaseOptions {
  /**
   * The meter the lease works on: the module that served it last is preferred while it is not
   * busier than the others, because that module still holds the meter's package as it sealed it
   * (its cache of opened packages, keyed by their exact bytes) and skips opening it again.
   */
  readonly meterId?: string;
}

export interface PsdModules {
  /**
   * Runs `fn` on one in-service module held exclusively from its first command until its unit is
   * queued with `lease.commit` (or `fn` settles); `fn` itself settles after its commit. Meters are
   * serialised by the caller (`pool.withMeter`).
   */
  withModule<T>(fn: (lease: ModuleLease) => Promise<T>, options?: LeaseOptions): Promise<T>;
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
  /** Where a lease's unit goes: the store's group commit. */
  readonly store: Pick<Store, 'commit'>;
  readonly log: Logger;
  /**
   * Stores audit entries on their own (the store's audit table). Given, a successful command's
   * entry is committed only in the unit the lease's caller commits, not first on its own through
   * the pool's sink as well: one durable commit per PSD command instead of two
   * (docs/performance.md). When the caller's work fails before or in its commit, the entries go
   * through here, so the module's audit chain has no gap.
   */
  readonly storeAudit?: (entries: readonly AuditWrite[]) => Promise<void>;
}

/**
 * How many checkpoint steps a module may be ahead of its module-table row: its NVM keeps its last
 * three records, and Auto-Recover can go back to either older one (DESIGN §3.6). So if the
 * commits still in flight all fail, the row is still one the module can return to.
 */
const MAX_STEPS_AHEAD = 2;

/** Meters whose last module is remembered (a few MB at most; older meters just start anew). */
const AFFINITY_METERS = 65_536;

/** A unit of one module queued to the store and not yet settled. */
interface InFlight {
  readonly settled: Promise<void>;
  /** Checkpoint steps the unit writes (MeterGen's Initialize + Authorize are two). */
  readonly steps: number;
}

/** What the vault knows of one module's records between its NVM and its row. */
interface ModuleLine {
  /** Its units on their way to the store, oldest first; each names the record of the one before. */
  readonly inFlight: InFlight[];
  /** The record the newest of them writes: the module's latest, to present next. */
  ahead: string | null;
  /** Counts failures: a lease whose base was a failed unit's record must not run on. */
  failures: number;
  /**
   * The row is behind the module by an unknown step (a unit failed, or a lease moved the module
   * and queued nothing): the next lease waits for every unit in flight, then presents the row,
   * and the module Auto-Recovers to it.
   */
  broken: boolean;
}

function stepsAhead(line: ModuleLine): number {
  let steps = 0;
  for (const unit of line.inFlight) steps += unit.steps;
  return steps;
}

async function settleAll(line: ModuleLine): Promise<void> {
  while (line.inFlight.length > 0) await line.inFlight[0]?.settled;
}

/**
 * Runs PSD commands on held modules, pipelined per module (docs/performance.md, "Pipelined
 * modules"). A module's NVM checkpoint and its module-table row must end up together (DESIGN
 * §3.6), but a module need not wait for one unit's store commit before it runs the next command:
 *
 * - a lease presents the record of the newest unit of its module still in flight (else the
 *   module's row, through the guard, which also refuses an inhibited module or a stopped vault);
 * - its unit's checkpoint write names that record (`replaces`), so it stands only on top of the
 *   unit before it: if that one fails, this one fails too, in the same batch or a later one;
 * - the module releases its lease once the unit is queued; a command waits while the module is
 *   already `MAX_STEPS_AHEAD` steps ahead of its row, so the row stays among its last three records;
 * - after a failure the module's next lease waits for all its units in flight, presents the row,
 *   and the module Auto-Recovers to it (CHECKPOINT_MISMATCH → the guard), as before.
 *
 * A CHECKPOINT_MISMATCH answer goes to the guard, which runs Auto-Recover Checkpoint on the
 * database's record: in step or rolled back, the command runs once more; inhibited, the module is
 * out of PSD service and the request is refused with CHECKPOINT_MISMATCH. Only an officer's Recover
 * Checkpoint brings it back.
 *
 * @example
 * await psd.withModule(async (lease) => {
 *   const done = await lease.call('create-indicium', { package, request }, CreateIndiciumAnswerBodySchema);
 *   await lease.commit({ package: …, indicium: … }); // the answer may leave now
 * });
 */
export function createPsdModules(deps: PsdModulesDeps): PsdModules {
  const { pool, guard, store, storeAudit } = deps;
  const log = deps.log.child({ component: 'psd' });
  const locks = createKeyedQueue();
  const waiting = new Map<string, number>();
  const lines = new Map<string, ModuleLine>();
  /** The module each recent meter was leased on (`LeaseOptions.meterId`), oldest use first. */
  const lastModule = new Map<string, string>();
  let rotate = 0;

  const excluded = new Set<string>();

  function lineOf(serial: string): ModuleLine {
    let line = lines.get(serial);
    if (line === undefined) {
      line = { inFlight: [], ahead: null, failures: 0, broken: false };
      lines.set(serial, line);
    }
    return line;
  }

  function pick(meterId: string | undefined): string {
    const candidates = pool.info().filter((m) => m.inService && !excluded.has(m.serial));
    if (candidates.length === 0) {
      throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'no module in PSD service' });
    }
    rotate = (rotate + 1) % candidates.length;
    const rotated = [...candidates.slice(rotate), ...candidates.slice(0, rotate)];
    const load = (serial: string) => waiting.get(serial) ?? 0;
    let best = rotated[0] as (typeof rotated)[number];
    for (const m of rotated) {
      if (load(m.serial) < load(best.serial)) best = m;
    }
    if (meterId === undefined) return best.serial;
    const last = lastModule.get(meterId);
    const chosen =
      last !== undefined && load(last) <= load(best.serial) && candidates.some((m) => m.serial === last)
        ? last
        : best.serial;
    lastModule.delete(meterId); // re-inserted last: the map's order is the order of use
    lastModule.set(meterId, chosen);
    if (lastModule.size > AFFINITY_METERS) lastModule.delete(lastModule.keys().next().value as string);
    return chosen;
  }

  /** Tracks a queued unit until it settles; a failure breaks the line (see `ModuleLine`). */
  function track(line: ModuleLine, committed: Promise<unknown>, steps: number, record: string): void {
    const unit: InFlight = {
      steps,
      settled: committed.then(
        () => undefined,
        () => {
          line.failures += 1;
          line.broken = true;
        },
      ),
    };
    line.inFlight.push(unit);
    line.ahead = record;
    void unit.settled.then(() => {
      line.inFlight.splice(line.inFlight.indexOf(unit), 1);
      // Everything committed: the row holds the newest record again.
      if (line.inFlight.length === 0) line.ahead = null;
    });
  }

  async function lease<T>(
    serial: string,
    fn: (lease: ModuleLease) => Promise<T>,
    release: () => void,
  ): Promise<T> {
    const line = lineOf(serial);
    if (line.broken) {
      await settleAll(line);
      line.broken = false;
    }
    let failuresAtStart = line.failures;
    // The record this lease's commands run on: the newest unit in flight's, else the row. Taken
    // before the row is read: a unit landing meanwhile makes the row its record, never older.
    const ahead = line.ahead;
    const row = await guard.checkpointFor(serial);
    let presented = ahead ?? row;
    let current = presented;
    let steps = 0;
    let queued: Promise<unknown> | undefined;
    const audits: AuditWrite[] = [];

    async function dispatch(command: string, body: Record<string, unknown>): Promise<ModuleOutcome> {
      while (stepsAhead(line) + steps >= MAX_STEPS_AHEAD) await line.inFlight[0]?.settled;
      if (line.failures !== failuresAtStart) {
        // A unit this lease's record builds on did not commit: stop before the module moves further.
        throw new IndiciumError('VAULT_UNAVAILABLE', {
          detail: `module ${serial}: an earlier unit of this module did not commit; try again`,
        });
      }
      return pool.dispatch(
        { command, body: { ...body, checkpoint: current } },
        { module: serial, auditStoredByCaller: storeAudit !== undefined },
      );
    }

    const held: ModuleLease = {
      serial,
      async call(command, body, answer) {
        let outcome = await dispatch(command, body);
        if (!outcome.ok && outcome.error.code === 'CHECKPOINT_MISMATCH' && steps === 0) {
          // The module is not on the record presented. Auto-Recover compares it with the row, so
          // every unit in flight must have landed (or failed) first.
          await settleAll(line);
          line.broken = false;
          const check = await guard.handleMismatch(serial);
          if (check.result !== 'in-step' && check.result !== 'recovered') {
            log.error({ module: serial, result: check.result }, 'PSD command refused: module table mismatch');
            throw moduleRefusal(outcome.error);
          }
          // From here the lease runs on the row itself, whatever failed while the units settled.
          failuresAtStart = line.failures;
          presented = await guard.checkpointFor(serial);
          current = presented;
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
          steps += 1;
        }
        return parsed.data;
      },
      async commit(unit) {
        if (queued !== undefined) {
          throw new IndiciumError('INTERNAL_ERROR', { detail: `module ${serial}: one commit per lease` });
        }
        const moved = steps > 0 && current !== null;
        const committed = store.commit({
          ...unit,
          ...(moved
            ? {
                checkpoint: {
                  moduleId: serial,
                  checkpoint: Buffer.from(current as string, 'base64'),
                  ...(presented === null ? {} : { replaces: Buffer.from(presented, 'base64') }),
                },
              }
            : {}),
          auditEntries: [...audits],
        });
        queued = committed;
        if (moved) track(line, committed, steps, current as string);
        // A unit that names no record to chain on (a module without a row yet) keeps the module
        // until it has landed; any other frees it for the next lease now.
        if (!moved || presented !== null) release();
        await committed;
      },
    };
    try {
      const result = await fn(held);
      if (steps > 0 && queued === undefined) line.broken = true;
      // `fn` settled after its unit committed the audit entries: the module may drop them from its
      // audit outbox (the pool acknowledges in batches).
      if (storeAudit !== undefined)
        pool.auditStored(
          serial,
          audits.map((a) => a.entry),
        );
      return result;
    } catch (error) {
      // The module moved, but no unit carries its record (a failed unit breaks the line itself).
      if (steps > 0 && queued === undefined) line.broken = true;
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
    async withModule<T>(fn: (lease: ModuleLease) => Promise<T>, options: LeaseOptions = {}): Promise<T> {
      const serial = pick(options.meterId);
      waiting.set(serial, (waiting.get(serial) ?? 0) + 1);
      try {
        let result: Promise<T> | undefined;
        // The module's lock is held until `release`: the unit queued, or the lease settled.
        await locks.run(
          serial,
          () =>
            new Promise<void>((release) => {
              const leased = lease(serial, fn, () => release());
              result = leased;
              leased.then(
                () => release(),
                () => release(),
              );
            }),
        );
        return await (result as Promise<T>);
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
      // before the line above is queued ahead of this no-op: when it runs, they have all queued
      // their units; then those units settle.
      await locks.run(serial, async () => undefined);
      await settleAll(lineOf(serial));
    },
    include(serial) {
      if (excluded.delete(serial)) log.info({ module: serial }, 'module back in PSD service');
    },
    isExcluded: (serial) => excluded.has(serial),
  };
}
