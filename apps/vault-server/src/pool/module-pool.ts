import type { AuditEntry, ModuleOutcome, ModuleRequest, PoolModuleInfo } from '@indicium/protocol';
import { IndiciumError } from '@indicium/protocol';
import { createAuditAcks } from './audit-acks.js';
import { drainAuditOutbox } from './drain-audit-outbox.js';
import { createKeyedQueue } from './keyed-queue.js';
import { ensureModuleFiles, listModuleSerials, nextModuleSerial } from './module-files.js';
import { ModuleWorker } from './module-worker.js';

/** The pool's view of the vault's logger: one line per event, the error as its own argument. */
export interface PoolLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ModulePoolOptions {
  readonly dataDir: string;
  /**
   * Modules to run. Existing ones under `<dataDir>/modules` are always started; missing ones are
   * created (folder + storage key, an empty NVM: the module boots Uninitialized) up to this count.
   */
  readonly modules: number;
  /**
   * Receives every audit entry a module emits, before the caller sees the outcome (DESIGN §3.5).
   * The pool awaits it, so a durable sink makes "no answer before its audit entry is stored".
   * Storing an entry twice must be a no-op: at every module start the pool hands it the entries
   * the module kept in its audit outbox, some of which it may hold already. Without a sink the
   * pool neither drains nor acknowledges the outboxes (nothing here stores an entry).
   */
  readonly onAudit?: (serial: string, entry: AuditEntry) => void | Promise<void>;
  readonly logger?: PoolLogger;
  /** Called with each new thread (first start and every restart), e.g. for metrics. */
  readonly onWorkerStart?: (serial: string, worker: ModuleWorker) => void;
  /** Modules that take no PSD work until `setInService(serial, true)` (a clone not yet loaded). */
  readonly outOfService?: readonly string[];
  /** Prefix of new modules' serials (`nextModuleSerial`): a joined node's `N<node id>-`. Default none. */
  readonly serialPrefix?: string;
  /** Delay before restarting a crashed module; doubled per consecutive crash, up to 30 s. */
  readonly restartDelayMs?: number;
}

export interface DispatchOptions {
  /** Send to this module (officer sessions, the module table's checkpoint); default least busy. */
  readonly module?: string;
  /**
   * The caller commits a successful command's audit entry itself, in the same unit as the work
   * it records, before any answer leaves (the PSD units of DESIGN §4.3): the pool then skips
   * `onAudit` for that outcome, which would be a second durable commit (one more sync) per
   * command. A refusal's entry still goes to `onAudit`: no unit carries it.
   */
  readonly auditStoredByCaller?: boolean;
}

/**
 * N crypto modules, each in its own worker thread with its own NVM (DESIGN §6, §10). Any module
 * serves any meter; `withMeter` serialises the work of one meter in this process.
 *
 * @example
 * const pool = await createModulePool({ dataDir, modules: 4 });
 * const outcome = await pool.withMeter(meterId, () =>
 *   pool.withModule(async (serial) => pool.dispatch(request(await checkpointOf(serial)), { module: serial })),
 * );
 * await pool.close();
 */
export interface ModulePool {
  /** Serials of every module, in service or not. */
  serials(): readonly string[];
  info(): PoolModuleInfo[];
  /** Meters with work queued or running in `withMeter` (a gauge for `/metrics`). */
  readonly activeMeters: number;
  dispatch(request: ModuleRequest, options?: DispatchOptions): Promise<ModuleOutcome>;
  /** Runs `fn` with the least-busy in-service module, counted busy until `fn` settles. */
  withModule<T>(fn: (serial: string) => Promise<T>): Promise<T>;
  /**
   * Entries a caller committed itself (`auditStoredByCaller`), once its commit resolved: the pool
   * tells the module they are stored so it drops them from its audit outbox (batched, `audit-acks.ts`).
   */
  auditStored(serial: string, entries: readonly AuditEntry[]): void;
  /** Runs `fn` strictly after the previous `withMeter` for this meter settled; meters run in parallel. */
  withMeter<T>(meterId: string, fn: () => Promise<T>): Promise<T>;
  /** Adds a module (new folder, key, empty NVM, new thread), out of service until cloned. */
  addModule(): Promise<PoolModuleInfo>;
  setInService(serial: string, inService: boolean): void;
  /** Stops a module's thread (requests in flight fail MODULE_CRASHED) and boots it over its NVM. */
  restart(serial: string): Promise<void>;
  /** Refuses new work, drains work in flight and queued meters, then stops every thread. */
  close(): Promise<void>;
}

interface Slot {
  worker: ModuleWorker;
  /** The worker booted and its audit outbox is stored: it may serve. */
  ready: Promise<void>;
  inService: boolean;
  /** Callers holding the module through `withModule`, beyond requests in flight. */
  held: number;
  restarts: number;
  consecutiveCrashes: number;
}

export async function createModulePool(options: ModulePoolOptions): Promise<ModulePool> {
  const slots = new Map<string, Slot>();
  const meters = createKeyedQueue();
  const outOfService = new Set(options.outOfService ?? []);
  const baseDelay = options.restartDelayMs ?? 100;
  const running = new Set<Promise<unknown>>();
  let closed = false;
  let roundRobin = 0;

  const sink = options.onAudit;
  const acks = createAuditAcks({
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    async send(serial, through, hash) {
      const slot = slotOf(serial);
      await slot.ready;
      const outcome = await slot.worker.dispatch({ command: 'acknowledge-audit', body: { through, hash } });
      if (!outcome.ok) {
        // The module's chain is not the one this run followed (a Reset in between): stop
        // acknowledging until the next drain finds where it stands.
        acks.forget(serial);
        throw new IndiciumError('AUDIT_FAILURE', { detail: `acknowledge-audit: ${outcome.error.code}` });
      }
    },
  });

  /**
   * Stores the module's audit outbox and acknowledges it (`drain-audit-outbox.ts`); from then on
   * the acks follow the entries stored. Entries go to the sink together, so a group-committing
   * store syncs them as one batch.
   */
  async function drain(serial: string, worker: ModuleWorker): Promise<void> {
    if (sink === undefined) return;
    acks.forget(serial);
    const drained = await drainAuditOutbox(
      (request) => worker.dispatch(request),
      async (entries) => {
        await Promise.all(entries.map((entry) => sink(serial, entry)));
      },
    );
    if (drained.stored > 0) {
      options.logger?.info(
        { module: serial, entries: drained.stored, through: drained.through },
        'audit outbox stored and acknowledged',
      );
    }
    acks.start(serial, drained.through, drained.headHash);
  }

  /** A new thread (first start and every restart); it serves once booted and drained. */
  function launch(
    serial: string,
    files: ModuleWorker['files'],
  ): { worker: ModuleWorker; ready: Promise<void> } {
    const worker = new ModuleWorker(files, onCrash);
    options.onWorkerStart?.(serial, worker);
    const ready = worker.started.then(() => drain(serial, worker));
    ready.catch(() => undefined);
    return { worker, ready };
  }

  function onCrash(worker: ModuleWorker, why: Error): void {
    const serial = worker.files.serial;
    const slot = slots.get(serial);
    if (slot === undefined || slot.worker !== worker || closed) return;
    slot.consecutiveCrashes += 1;
    const delay = Math.min(baseDelay * 2 ** (slot.consecutiveCrashes - 1), 30_000);
    options.logger?.error({ module: serial, err: why, restartInMs: delay }, 'module thread crashed');
    setTimeout(() => {
      if (closed || slot.worker !== worker) return;
      Object.assign(slot, launch(serial, worker.files));
      slot.restarts += 1;
      slot.ready.then(
        () => {
          slot.consecutiveCrashes = 0;
          options.logger?.info({ module: serial, restarts: slot.restarts }, 'module restarted over its NVM');
        },
        (error: unknown) => options.logger?.error({ module: serial, err: error }, 'module restart failed'),
      );
    }, delay).unref();
  }

  async function add(serial: string, inService: boolean): Promise<Slot> {
    const files = await ensureModuleFiles(options.dataDir, serial);
    const slot: Slot = {
      ...launch(serial, files),
      inService,
      held: 0,
      restarts: 0,
      consecutiveCrashes: 0,
    };
    slots.set(serial, slot);
    await slot.ready;
    return slot;
  }

  function infoOf(serial: string, slot: Slot): PoolModuleInfo {
    return { serial, inService: slot.inService, inFlight: slot.worker.inFlight, restarts: slot.restarts };
  }

  function slotOf(serial: string): Slot {
    const slot = slots.get(serial);
    if (slot === undefined)
      throw new IndiciumError('INVALID_FIELD', { field: 'module', detail: `no module ${serial}` });
    return slot;
  }

  function leastBusy(): string {
    const candidates = [...slots.entries()].filter(([, s]) => s.inService && s.worker.alive);
    if (candidates.length === 0)
      throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'no module in service' });
    // Least busy first; among equals, rotate so idle modules share the work.
    roundRobin = (roundRobin + 1) % candidates.length;
    const rotated = [...candidates.slice(roundRobin), ...candidates.slice(0, roundRobin)];
    let best = rotated[0] as [string, Slot];
    for (const entry of rotated) {
      if (entry[1].worker.inFlight + entry[1].held < best[1].worker.inFlight + best[1].held) best = entry;
    }
    return best[0];
  }

  function track<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    void work.then(
      () => running.delete(work),
      () => running.delete(work),
    );
    return work;
  }

  function refuseIfClosed(): void {
    if (closed) throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'the module pool is shutting down' });
  }

  /**
   * Waits until the slot's module may serve. A drain that failed (the store was down when the
   * thread restarted) is tried again by the next request, which is refused while it fails.
   */
  async function serving(serial: string, slot: Slot): Promise<void> {
    const ready = slot.ready;
    try {
      await ready;
    } catch {
      if (slot.ready === ready) {
        const worker = slot.worker;
        slot.ready = worker.started.then(() => drain(serial, worker));
        slot.ready.catch(() => undefined);
      }
      await slot.ready;
    }
  }

  async function dispatchTo(
    serial: string,
    request: ModuleRequest,
    auditStoredByCaller: boolean,
  ): Promise<ModuleOutcome> {
    const slot = slotOf(serial);
    await serving(serial, slot);
    let outcome = await slot.worker.dispatch(request);
    if (!outcome.ok && outcome.error.code === 'AUDIT_OUTBOX_FULL' && sink !== undefined) {
      // Acknowledgements fell behind (an entry whose store failed holds back every later one):
      // store and acknowledge what the module kept, then run the command it refused (a refusal
      // changed nothing).
      const worker = slot.worker;
      await drain(serial, worker);
      outcome = await worker.dispatch(request);
    }
    const callerStores = auditStoredByCaller && outcome.ok;
    if (outcome.audit !== undefined && options.onAudit !== undefined && !callerStores) {
      try {
        await options.onAudit(serial, outcome.audit);
      } catch (cause) {
        // The module committed and chained the entry; the vault lost it. The answer must not
        // leave without it (DESIGN §3.5), and the gap will show when the chain is verified.
        options.logger?.error(
          { module: serial, err: cause, sequence: outcome.audit.sequence },
          'audit entry not stored',
        );
        throw new IndiciumError('AUDIT_FAILURE', {
          detail: `module ${serial}: the audit entry was not stored`,
          cause,
        });
      }
      acks.stored(serial, [outcome.audit]);
    }
    return outcome;
  }

  const existing = await listModuleSerials(options.dataDir);
  const serials = [...existing];
  while (serials.length < options.modules) serials.push(nextModuleSerial(serials, options.serialPrefix));
  try {
    await Promise.all(serials.map((serial) => add(serial, !outOfService.has(serial))));
  } catch (error) {
    closed = true;
    await Promise.all([...slots.values()].map((s) => s.worker.stop()));
    throw error;
  }

  return {
    serials: () => [...slots.keys()].sort(),
    get activeMeters() {
      return meters.activeKeys;
    },
    info: () =>
      [...slots.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([serial, slot]) => infoOf(serial, slot)),
    async dispatch(request, dispatchOptions = {}) {
      refuseIfClosed();
      return track(
        dispatchTo(
          dispatchOptions.module ?? leastBusy(),
          request,
          dispatchOptions.auditStoredByCaller === true,
        ),
      );
    },
    async withModule(fn) {
      refuseIfClosed();
      const serial = leastBusy();
      const slot = slotOf(serial);
      slot.held += 1;
      return track(
        fn(serial).finally(() => {
          slot.held -= 1;
        }),
      );
    },
    auditStored(serial, entries) {
      acks.stored(serial, entries);
    },
    async withMeter(meterId, fn) {
      refuseIfClosed();
      return track(meters.run(meterId, fn));
    },
    async addModule() {
      refuseIfClosed();
      const serial = nextModuleSerial([...slots.keys()], options.serialPrefix);
      const slot = await add(serial, false);
      options.logger?.info({ module: serial }, 'module added (out of service until cloned)');
      return infoOf(serial, slot);
    },
    setInService(serial, inService) {
      slotOf(serial).inService = inService;
    },
    async restart(serial) {
      refuseIfClosed();
      const slot = slotOf(serial);
      const old = slot.worker;
      await old.stop();
      Object.assign(slot, launch(serial, old.files));
      slot.restarts += 1;
      await slot.ready;
    },
    async close() {
      closed = true;
      // Drain: work already accepted finishes (and reaches its audit sink) before threads stop.
      while (running.size > 0) await Promise.allSettled([...running]);
      await meters.idle();
      // What is stored is acknowledged, so the next start has little to store again (a kill
      // instead of a close loses nothing either: the outboxes keep it).
      await acks.flush();
      await Promise.all([...slots.values()].map((slot) => slot.worker.stop()));
    },
  };
}
