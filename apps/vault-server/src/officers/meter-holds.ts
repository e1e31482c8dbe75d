import { IndiciumError } from '@indicium/protocol';

/** What holds a meter: the value path's `withMeter` (on PostgreSQL it holds the meter across nodes too). */
export interface MeterSerialiser {
  withMeter<T>(meterId: string, fn: () => Promise<T>): Promise<T>;
}

/** A meter held for one officer's translation. */
export interface MeterHold {
  readonly meterId: string;
  /** The module the translation runs on. */
  readonly module: string;
}

export interface MeterHolds {
  /**
   * Waits for the meter, then keeps it (no Create Indicium, no other work on it, on any node)
   * until `release` or `holdMs`, and runs `read` inside. A refusal of `read` releases at once.
   */
  take<T>(hold: MeterHold, read: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while the meter is still held by `module`'s hold, then releases it; with no live
   * hold, takes the meter for `fn` alone (the store's lost-update check then decides).
   */
  finish<T>(hold: MeterHold, fn: () => Promise<T>): Promise<T>;
  /** Lets the meter go; false when no hold was left. */
  release(meterId: string): boolean;
  /** Lets go every hold of one module (its sweep ended). */
  releaseModule(module: string): void;
  readonly size: number;
}

interface Live {
  readonly module: string;
  readonly release: () => void;
}

/**
 * Meter holds across the three officer requests of one translation (read → Translate PSD Package
 * in the officer's session → store): without them a Create Indicium landing in between would make
 * the translation from an older copy, the module would have audited a package version the meter
 * also reaches the normal way (the auditor's `version-reused`), and the store would refuse it.
 * A hold ends with its store, its release, or after `holdMs`, so a `vaultctl` that died does not
 * keep a customer's meter.
 *
 * @example
 * const read = await holds.take({ meterId, module }, () => store.packages.get(meterId));
 * // …the officer translates…
 * await holds.finish({ meterId, module }, () => store.commit(unit));
 */
export function createMeterHolds(meters: MeterSerialiser, holdMs: number): MeterHolds {
  const live = new Map<string, Live>();

  function release(meterId: string): boolean {
    const found = live.get(meterId);
    if (found === undefined) return false;
    live.delete(meterId);
    found.release();
    return true;
  }

  return {
    async take(hold, read) {
      // The same officer asking again (a retry): the old hold goes first, or this would wait on it.
      release(hold.meterId);
      type T = Awaited<ReturnType<typeof read>>;
      let acquired!: (value: T) => void;
      let failed!: (error: unknown) => void;
      const answer = new Promise<T>((resolve, reject) => {
        acquired = resolve;
        failed = reject;
      });
      const held = meters.withMeter(hold.meterId, async () => {
        let value: T;
        try {
          value = await read();
        } catch (error) {
          failed(error);
          return;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => release(hold.meterId), holdMs);
          timer.unref();
          live.set(hold.meterId, {
            module: hold.module,
            release: () => {
              clearTimeout(timer);
              resolve();
            },
          });
          acquired(value);
        });
      });
      // Waiting for the meter can itself be refused (VAULT_BUSY on PostgreSQL, a closed pool).
      held.catch(failed);
      return answer;
    },
    async finish(hold, fn) {
      const found = live.get(hold.meterId);
      if (found !== undefined && found.module !== hold.module) {
        throw new IndiciumError('WRONG_STATE', {
          field: 'module',
          detail: `meter ${hold.meterId} is held for a translation on ${found.module}`,
        });
      }
      if (found === undefined) return meters.withMeter(hold.meterId, fn);
      // Claimed before `fn` runs: the hold's timer can no longer let the meter go mid-commit.
      live.delete(hold.meterId);
      try {
        return await fn();
      } finally {
        found.release();
      }
    },
    release,
    releaseModule(module) {
      for (const [meterId, found] of live) if (found.module === module) release(meterId);
    },
    get size() {
      return live.size;
    },
  };
}
