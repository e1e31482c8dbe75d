import { IndiciumError } from '@indicium/protocol';
import type pg from 'pg';
import type { CommitReceipt, StoreStats } from '../store.js';
import { isRetryableBatchError, isUnitError, mapPgBatchError, mapPgError } from './map-pg-error.js';

/**
 * Group commit on PostgreSQL (DESIGN §6, §10): the same guarantee as `group-commit.ts` for an
 * asynchronous driver. Work queued while the writer is idle is gathered until the next
 * `setImmediate`; work queued while a batch is on the wire waits and forms the next batch. Each
 * batch is ONE transaction on the writer's own connection; each piece of work runs inside its own
 * SAVEPOINT, so a piece that fails with an error of its own data is rolled back alone and its
 * batch-mates still commit. Every promise settles only after COMMIT returned, and the writer's
 * session has `synchronous_commit = on`: COMMIT returns once the commit record is on the server's
 * disk, so durability costs one flush per batch, never one per indicium.
 *
 * Row lock per meter: before any work runs, the batch locks the package row of every meter its
 * units write, `SELECT … FOR UPDATE` in meter-id order, and holds the locks until COMMIT. Two vault
 * nodes writing the same meters therefore wait for each other in one global order (never in a
 * cycle: no deadlock between batches on packages), and each unit's version check
 * (`UPDATE … WHERE package_version = $n`) runs on the row as the other node committed it: a node
 * that computed from an older package gets STALE_PACKAGE, never a double-spent meter. Row locks,
 * not advisory locks: they need no key scheme, are visible in `pg_locks` by table, and are
 * released by the server whatever happens to the node (COMMIT, ROLLBACK, a dropped connection).
 *
 * If PostgreSQL still picks the batch as a deadlock victim (other tables, or meters created by two
 * nodes at once), nothing of it was written and the batch runs again, up to `maxAttempts`.
 */
export interface PgGroupCommitOptions {
  /** Opens the writer's connection (session settings applied); called again after one is lost. */
  readonly connect: () => Promise<pg.Client>;
  readonly clock: () => number;
  readonly maxBatchUnits: number;
  readonly maxAttempts?: number;
}

/** What one piece of work may do: run statements inside its savepoint. */
export type PgWork<T> = (client: pg.ClientBase) => Promise<T>;

interface Job {
  readonly work: PgWork<unknown>;
  readonly meters: readonly string[];
  readonly resolve: (done: { value: unknown; receipt: CommitReceipt }) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface PgGroupCommit {
  /**
   * Queues `work` for the next batch; settles after that batch's COMMIT (or its failure).
   * `meters` are the meters whose package rows the work writes: locked for the whole batch.
   */
  enqueue<T>(work: PgWork<T>, meters?: readonly string[]): Promise<{ value: T; receipt: CommitReceipt }>;
  /** Refuses new work, writes everything queued, then closes the writer's connection. */
  closeAndFlush(): Promise<void>;
  stats(): StoreStats;
}

const LOCK_METERS_SQL =
  'SELECT meter_id FROM psd_packages WHERE meter_id = ANY($1::text[]) ORDER BY meter_id FOR UPDATE';

export function createPgGroupCommit(options: PgGroupCommitOptions): PgGroupCommit {
  const { connect, clock, maxBatchUnits } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  let queue: Job[] = [];
  let client: pg.Client | null = null;
  let lost = false;
  let draining: Promise<void> | null = null;
  let closed = false;
  let batches = 0;
  let units = 0;
  let failedUnits = 0;
  let largestBatch = 0;

  async function writer(): Promise<pg.Client> {
    if (client !== null && !lost) return client;
    const broken = client;
    client = null;
    if (broken !== null) await broken.end().catch(() => undefined);
    const fresh = await connect();
    lost = false;
    // An idle connection the server ended must not crash the vault: the next batch reconnects.
    fresh.on('error', () => {
      if (client === fresh) lost = true;
    });
    fresh.on('end', () => {
      if (client === fresh) lost = true;
    });
    client = fresh;
    return fresh;
  }

  function schedule(): void {
    if (draining !== null) return;
    draining = new Promise<void>((resolve) => setImmediate(resolve)).then(drain).finally(() => {
      draining = null;
      if (queue.length > 0) schedule();
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatchUnits);
      queue = queue.slice(batch.length);
      await runBatch(batch);
    }
  }

  async function runBatch(batch: readonly Job[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let outcomes: Outcome[];
      try {
        outcomes = await writeBatch(batch);
      } catch (error) {
        if (isRetryableBatchError(error) && attempt < maxAttempts) continue;
        failAll(batch, mapPgBatchError(error, lost));
        return;
      }
      batches += 1;
      units += batch.length;
      largestBatch = Math.max(largestBatch, batch.length);
      const receipt: CommitReceipt = Object.freeze({
        batch: batches,
        batchUnits: batch.length,
        committedAtMs: clock(),
      });
      batch.forEach((job, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok === true) job.resolve({ value: outcome.value, receipt });
        else {
          failedUnits += 1;
          job.reject(outcome?.error);
        }
      });
      return;
    }
  }

  /** One attempt: the whole transaction, or a throw after which nothing of it stands. */
  async function writeBatch(batch: readonly Job[]): Promise<Outcome[]> {
    let c: pg.Client;
    try {
      c = await writer();
    } catch (error) {
      lost = true;
      throw error;
    }
    await c.query('BEGIN');
    try {
      const meters = [...new Set(batch.flatMap((job) => job.meters))].sort();
      if (meters.length > 0) await c.query(LOCK_METERS_SQL, [meters]);
      const outcomes: Outcome[] = [];
      for (const job of batch) {
        await c.query('SAVEPOINT unit');
        try {
          const value = await job.work(c);
          await c.query('RELEASE SAVEPOINT unit');
          outcomes.push({ ok: true, value });
        } catch (error) {
          if (!isUnitError(error)) throw error;
          await c.query('ROLLBACK TO SAVEPOINT unit');
          await c.query('RELEASE SAVEPOINT unit');
          outcomes.push({ ok: false, error: mapPgError(error) });
        }
      }
      // COMMIT of a transaction the server had already aborted answers ROLLBACK, not an error.
      const done = await c.query('COMMIT');
      if (done.command !== 'COMMIT') {
        throw new IndiciumError('INTERNAL_ERROR', { detail: 'the database rolled the batch back' });
      }
      return outcomes;
    } catch (error) {
      if (!lost) await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  function failAll(batch: readonly Job[], error: IndiciumError): void {
    failedUnits += batch.length;
    for (const job of batch) job.reject(error);
  }

  return {
    enqueue<T>(work: PgWork<T>, meters: readonly string[] = []) {
      if (closed) {
        return Promise.reject(new IndiciumError('VAULT_UNAVAILABLE', { detail: 'the store is closed' }));
      }
      return new Promise<{ value: T; receipt: CommitReceipt }>((resolve, reject) => {
        queue.push({ work, meters, resolve: resolve as Job['resolve'], reject });
        schedule();
      });
    },
    async closeAndFlush() {
      closed = true;
      while (draining !== null) await draining;
      const last = client;
      client = null;
      if (last !== null) await last.end().catch(() => undefined);
    },
    stats: () => Object.freeze({ batches, units, failedUnits, largestBatch }),
  };
}
