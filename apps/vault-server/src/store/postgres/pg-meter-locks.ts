import { IndiciumError } from '@indicium/protocol';
import pg from 'pg';
import type { MeterLocks } from '../store.js';
import { LOCK_NOT_AVAILABLE } from './map-pg-error.js';
import { clientConfig } from './pg-connection.js';

export interface PgMeterLockOptions {
  readonly url: string;
  /** Meters one node may hold at once (one connection each). */
  readonly maxConnections: number;
  /** How long a node waits for a meter another node holds, ms; then VAULT_BUSY. */
  readonly waitTimeoutMs: number;
}

/**
 * The meter lock across vault nodes (DESIGN §10): held from reading a meter's package, through
 * the module command, to the commit of its unit, so no two nodes ever run a module on the same
 * package version. (The store's version check would refuse the second commit anyway, but by then
 * the losing module would have moved its checkpoint and signed an indicium for a package that
 * never lands; holding the lock keeps that from happening at all.)
 *
 * A session-level advisory lock keyed by the meter id, on a connection of a small pool held for
 * the length of the work, rather than a row lock: the work's commit goes through the group
 * commit's own transaction, which takes the package row lock itself, and a row lock held here
 * would block it. The server drops a session's advisory locks when its connection ends, so a
 * node killed mid-work leaves no meter locked; two meter ids whose 64-bit keys collide merely
 * wait for each other.
 */
export function createPgMeterLocks(options: PgMeterLockOptions): MeterLocks & { close(): Promise<void> } {
  const pool = new pg.Pool({ ...clientConfig(options.url, 'meter-lock'), max: options.maxConnections });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.query(`SET lock_timeout = ${Math.trunc(options.waitTimeoutMs)}`).catch(() => undefined);
  });
  const key = (meterId: string) => `indicium/meter/${meterId}`;

  return {
    async withMeter<T>(meterId: string, fn: () => Promise<T>): Promise<T> {
      const client = await pool.connect().catch((error: unknown) => {
        throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'cannot reach the database', cause: error });
      });
      let broken: Error | undefined;
      try {
        try {
          await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key(meterId)]);
        } catch (error) {
          const timedOut = error instanceof pg.DatabaseError && error.code === LOCK_NOT_AVAILABLE;
          if (timedOut) {
            throw new IndiciumError('VAULT_BUSY', {
              detail: 'the meter is busy on another vault node',
              cause: error,
            });
          }
          broken = error as Error;
          throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'cannot lock the meter', cause: error });
        }
        try {
          return await fn();
        } finally {
          await client
            .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key(meterId)])
            .catch((error: unknown) => {
              // The connection is gone, and with it the lock: drop the connection too.
              broken = error as Error;
            });
        }
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
