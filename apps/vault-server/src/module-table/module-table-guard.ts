import { IndiciumError } from '@indicium/protocol';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { createKeyedQueue } from '../pool/keyed-queue.js';
import type { ModulePool } from '../pool/module-pool.js';
import type { Store } from '../store/store.js';
import { checkpointText } from './checkpoint-text.js';

/** What checking one module's row against the module found (DESIGN §3.6). */
export type ModuleCheckResult =
  /** The database's record is the module's latest. */
  | 'in-step'
  /** It was one of the module's two older records: Auto-Recover rolled the module back (audited). */
  | 'recovered'
  /** It matched none: the module refuses PSD work until an officer recovers it. */
  | 'inhibited'
  /** The module could not be asked (not operational, crashed); nothing was decided. */
  | 'unavailable';

export interface ModuleCheck {
  readonly moduleSerial: string;
  readonly result: ModuleCheckResult;
  /** Transactions Auto-Recover discarded (`recovered` only). */
  readonly discarded: number;
}

export interface ModuleTableGuard {
  /** Registers every module's row, keeps inhibited ones out of PSD service, checks every in-service module. */
  verifyAll(): Promise<readonly ModuleCheck[]>;
  /**
   * Before a PSD command: the record to pass the module (null before its first). Refuses with
   * VAULT_UNAVAILABLE when the vault stopped value-bearing work, CHECKPOINT_MISMATCH for an
   * inhibited module.
   */
  checkpointFor(moduleSerial: string): Promise<string | null>;
  /**
   * After a module refused a PSD command with CHECKPOINT_MISMATCH: Auto-Recover Checkpoint with the
   * database's record. `in-step` or `recovered`: retry the command; `inhibited`: the module is out.
   */
  handleMismatch(moduleSerial: string): Promise<ModuleCheck>;
  /** After an officer's Recover Checkpoint: checks again, and lifts the flag once the module is in step. */
  release(moduleSerial: string): Promise<ModuleCheck>;
  /** Throws VAULT_UNAVAILABLE while too many modules are inhibited (DESIGN §3.6). */
  assertServing(): void;
  isServing(): boolean;
  inhibited(): readonly string[];
}

export interface ModuleTableGuardOptions {
  readonly store: Pick<Store, 'modules'>;
  readonly pool: Pick<ModulePool, 'dispatch' | 'info' | 'setInService'>;
  /** Whether the vault's manifest puts a module in PSD service (a clone being loaded is not). */
  readonly inService: (moduleSerial: string) => boolean;
  /** This many inhibited modules stop every value-bearing request (at least 1). */
  readonly maxFailingModules: number;
  readonly log: Logger;
  readonly registry?: Registry;
}

/**
 * The module-table policy of DESIGN §3.6. The database keeps each module's latest checkpoint
 * record; the module keeps its last three. A row that is not the module's latest means the
 * database was rolled back or edited: if the module recognises the row as one of its two older
 * records it rolls back itself (Auto-Recover Checkpoint, whose signed audit entry lists every
 * discarded transaction), otherwise it inhibits itself, the row is flagged, and the pool sends
 * it no PSD work until an officer recovers it (`vaultctl recover-checkpoint`). When
 * `maxFailingModules` are inhibited the whole vault stops value-bearing work: readiness goes
 * false, PSD routes answer VAULT_UNAVAILABLE, and an ERROR line says why.
 *
 * @example
 * const guard = createModuleTableGuard({ store, pool, inService, maxFailingModules: 2, log });
 * await guard.verifyAll();
 * const checkpoint = await guard.checkpointFor(serial); // pass it with the PSD command
 */
export function createModuleTableGuard(options: ModuleTableGuardOptions): ModuleTableGuard {
  const { store, pool, log } = options;
  const threshold = Math.max(1, options.maxFailingModules);
  const inhibitedSet = new Set<string>();
  const perModule = createKeyedQueue();
  let serving = true;

  if (options.registry !== undefined) {
    new Gauge({
      name: 'indicium_module_table_inhibited_modules',
      help: 'Modules inhibited because their module-table checkpoint did not match (DESIGN §3.6).',
      registers: [options.registry],
      collect() {
        this.set(inhibitedSet.size);
      },
    });
    new Gauge({
      name: 'indicium_vault_value_service_stopped',
      help: '1 while too many inhibited modules have stopped every value-bearing request.',
      registers: [options.registry],
      collect() {
        this.set(serving ? 0 : 1);
      },
    });
  }

  function reassess(): void {
    const stop = inhibitedSet.size >= threshold;
    if (stop && serving) {
      log.error(
        { inhibited: [...inhibitedSet], maxFailingModules: threshold },
        'vault stopped value-bearing work: too many modules refuse the module table; an officer must recover them',
      );
    } else if (!stop && !serving) {
      log.warn({ inhibited: [...inhibitedSet] }, 'vault resumed value-bearing work');
    }
    serving = !stop;
  }

  async function setFlag(serial: string, inhibited: boolean): Promise<void> {
    await store.modules.setStatus(serial, {
      status: options.inService(serial) ? 'in-service' : 'out-of-service',
      inhibited,
    });
    if (inhibited) {
      inhibitedSet.add(serial);
      pool.setInService(serial, false);
    } else {
      inhibitedSet.delete(serial);
      pool.setInService(serial, options.inService(serial));
    }
    reassess();
  }

  async function presented(serial: string): Promise<string | null> {
    return checkpointText((await store.modules.get(serial))?.checkpoint ?? null);
  }

  /** Auto-Recover Checkpoint with the database's record: a signed audit entry whatever it finds. */
  async function check(serial: string): Promise<ModuleCheck> {
    const outcome = await pool.dispatch(
      { command: 'auto-recover-checkpoint', body: { checkpoint: await presented(serial) } },
      { module: serial },
    );
    if (outcome.ok) {
      const result = outcome.result as { recovered?: boolean; discarded?: readonly unknown[] };
      const discarded = result.discarded?.length ?? 0;
      if (result.recovered === true) {
        log.warn(
          { module: serial, discarded },
          'module rolled back to the module table checkpoint (Auto-Recover); discarded transactions are in its audit log',
        );
        return { moduleSerial: serial, result: 'recovered', discarded };
      }
      return { moduleSerial: serial, result: 'in-step', discarded: 0 };
    }
    if (outcome.error.code === 'CHECKPOINT_MISMATCH') {
      return { moduleSerial: serial, result: 'inhibited', discarded: 0 };
    }
    log.warn({ module: serial, code: outcome.error.code }, 'module table check: the module could not answer');
    return { moduleSerial: serial, result: 'unavailable', discarded: 0 };
  }

  async function checkAndApply(serial: string): Promise<ModuleCheck> {
    const result = await check(serial);
    if (result.result === 'inhibited') {
      if (!inhibitedSet.has(serial)) {
        log.error(
          { module: serial },
          'module inhibited: the module table checkpoint is not one of its records (database rolled back or edited); an officer must recover it (vaultctl recover-checkpoint)',
        );
      }
      await setFlag(serial, true);
    }
    return result;
  }

  function assertServing(): void {
    if (!serving) {
      throw new IndiciumError('VAULT_UNAVAILABLE', {
        detail: 'too many modules refuse the module table: value-bearing work is stopped',
        details: { reason: 'module-table', inhibited: [...inhibitedSet] },
      });
    }
  }

  return {
    async verifyAll() {
      const results: ModuleCheck[] = [];
      for (const { serial } of pool.info()) {
        const row = await store.modules.get(serial);
        if (row === null) await setFlag(serial, false);
        else if (row.inhibited) {
          // Inhibited in an earlier run: stays out until an officer recovers it and releases it.
          await setFlag(serial, true);
          results.push({ moduleSerial: serial, result: 'inhibited', discarded: 0 });
          continue;
        }
        if (!options.inService(serial)) continue;
        results.push(await perModule.run(serial, () => checkAndApply(serial)));
      }
      return results;
    },
    async checkpointFor(serial) {
      assertServing();
      if (inhibitedSet.has(serial)) {
        throw new IndiciumError('CHECKPOINT_MISMATCH', {
          field: 'module',
          detail: `module ${serial} is inhibited until an officer recovers it`,
        });
      }
      return presented(serial);
    },
    handleMismatch: (serial) => perModule.run(serial, () => checkAndApply(serial)),
    release: (serial) =>
      perModule.run(serial, async () => {
        if (!pool.info().some((m) => m.serial === serial)) {
          throw new IndiciumError('NOT_FOUND', { field: 'serial', detail: `no module ${serial}` });
        }
        // Only an inhibited module is released: Auto-Recover on a serving module could roll back a
        // transaction whose checkpoint is on its way to the store.
        if (!inhibitedSet.has(serial)) {
          throw new IndiciumError('WRONG_STATE', {
            field: 'serial',
            detail: `module ${serial} is not inhibited`,
          });
        }
        const result = await check(serial);
        if (result.result === 'in-step' || result.result === 'recovered') {
          await setFlag(serial, false);
          log.warn({ module: serial }, 'module released: its checkpoint matches the module table again');
        } else if (result.result === 'inhibited') {
          await setFlag(serial, true);
        }
        return result;
      }),
    assertServing,
    isServing: () => serving,
    inhibited: () => [...inhibitedSet],
  };
}
