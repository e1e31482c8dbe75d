import { IndiciumError } from '@indicium/protocol';
import type { CommitReceipt, StoreStats } from './store.js';

/**
 * Group commit (DESIGN §6: "durable commits batched so durability costs one sync per batch, never
 * one per indicium, and no answer leaves before its batch is durable"), for a database whose
 * driver is synchronous. Work queued during one turn of the event loop is written on the next
 * `setImmediate` as ONE transaction; each piece of work runs inside its own savepoint, so a piece
 * that throws is rolled back alone and its batch-mates still commit. Every promise settles only
 * after COMMIT returned: with SQLite's WAL and `synchronous = FULL`, that COMMIT has been synced.
 *
 * While a batch is written the event loop is busy (the driver blocks), so whatever arrives
 * meanwhile (worker messages, requests) is queued when the loop resumes and forms the next batch:
 * the busier the vault, the larger the batches and the fewer syncs per unit.
 */
export interface BatchTransaction {
  begin(): void;
  commit(): void;
  rollback(): void;
  savepoint(): void;
  release(): void;
  rollbackToSavepoint(): void;
  /** False when the database ended the transaction itself (SQLite does so on I/O or disk-full errors). */
  inTransaction(): boolean;
}

export interface GroupCommitOptions {
  readonly transaction: BatchTransaction;
  /** Turns a driver error of one piece of work into the typed refusal its caller sees. */
  readonly mapError: (error: unknown) => unknown;
  /** The refusal every unit of a batch gets when the batch as a whole failed (nothing written). */
  readonly mapBatchError: (error: unknown) => Error;
  readonly clock: () => number;
  /** A bound on one transaction's size, so one batch never holds the loop for long. */
  readonly maxBatchUnits: number;
}

interface Job {
  readonly work: () => unknown;
  readonly resolve: (done: { value: unknown; receipt: CommitReceipt }) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommit {
  /** Queues `work` for the next batch; settles after that batch's COMMIT (or its failure). */
  enqueue<T>(work: () => T): Promise<{ value: T; receipt: CommitReceipt }>;
  /** Writes everything queued now, synchronously; later `enqueue` calls are refused. */
  closeAndFlush(): void;
  stats(): StoreStats;
}

export function createGroupCommit(options: GroupCommitOptions): GroupCommit {
  const { transaction: tx, mapError, mapBatchError, clock, maxBatchUnits } = options;
  let queue: Job[] = [];
  let scheduled = false;
  let closed = false;
  let batches = 0;
  let units = 0;
  let failedUnits = 0;
  let largestBatch = 0;

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      flushOnce();
      if (queue.length > 0) schedule();
    });
  }

  function flushOnce(): void {
    if (queue.length === 0) return;
    const batch = queue.slice(0, maxBatchUnits);
    queue = queue.slice(batch.length);
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      tx.begin();
    } catch (error) {
      failAll(batch, error);
      return;
    }
    for (const job of batch) {
      tx.savepoint();
      try {
        const value = job.work();
        tx.release();
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (!tx.inTransaction()) {
          // The database dropped the whole transaction: nothing of this batch was written.
          failAll(batch, error);
          return;
        }
        try {
          tx.rollbackToSavepoint();
          tx.release();
        } catch (undo) {
          if (tx.inTransaction()) tx.rollback();
          failAll(batch, undo);
          return;
        }
        outcomes.push({ ok: false, error: mapError(error) });
      }
    }
    try {
      tx.commit();
    } catch (error) {
      if (tx.inTransaction()) tx.rollback();
      failAll(batch, error);
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
  }

  function failAll(batch: readonly Job[], cause: unknown): void {
    failedUnits += batch.length;
    const error = mapBatchError(cause);
    for (const job of batch) job.reject(error);
  }

  return {
    enqueue<T>(work: () => T) {
      if (closed)
        return Promise.reject(new IndiciumError('VAULT_UNAVAILABLE', { detail: 'the store is closed' }));
      return new Promise<{ value: T; receipt: CommitReceipt }>((resolve, reject) => {
        queue.push({ work, resolve: resolve as Job['resolve'], reject });
        schedule();
      });
    },
    closeAndFlush() {
      closed = true;
      while (queue.length > 0) flushOnce();
    },
    stats: () => Object.freeze({ batches, units, failedUnits, largestBatch }),
  };
}
