import type { MeterLocks } from '../store.js';

/** What of a module pool this needs: its per-meter serialisation. */
export interface MeterSerialiser {
  withMeter<T>(meterId: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * The pool as the value path should see it on a shared database (DESIGN §10): `withMeter` first
 * waits its turn in this process (the pool's queue, so one node asks the database for a meter
 * once at a time), then holds the meter across every node (`store.meterLocks`) while `fn` reads
 * the package, runs the module and commits. Every other member is the pool's own. Without
 * `locks` (SQLite: one node) the pool is returned as it is.
 *
 * @example
 * const valuePath = await createValuePath({ pool: lockMetersAcrossNodes(pool, store.meterLocks), … });
 */
export function lockMetersAcrossNodes<P extends MeterSerialiser>(pool: P, locks: MeterLocks | undefined): P {
  if (locks === undefined) return pool;
  // A new object whose prototype is the pool: its getters and methods run as the pool's own.
  const locked = Object.create(pool) as P;
  Object.defineProperty(locked, 'withMeter', {
    value: <T>(meterId: string, fn: () => Promise<T>): Promise<T> =>
      pool.withMeter(meterId, () => locks.withMeter(meterId, fn)),
    enumerable: true,
  });
  return locked;
}
