import { Worker } from 'node:worker_threads';
import { IndiciumError } from '@indicium/protocol';
import { workerExecArgv } from '../../pool/module-worker.js';
import type { CommitReceipt, StoreStats } from '../store.js';
import type { FromWriter, SqliteWriterData, ToWriter, WriteJob } from './sqlite-writer-messages.js';
import type { SqliteWrite } from './sqlite-writes.js';
import { reviveError } from './transported-error.js';

const BOOTSTRAP = new URL('./sqlite-writer.bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./sqlite-writer.worker.ts', import.meta.url);

export interface SqliteWriterOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly maxBatchUnits: number;
  readonly clock: () => number;
}

interface Pending {
  readonly resolve: (done: { value: unknown; receipt: CommitReceipt }) => void;
  readonly reject: (error: unknown) => void;
}

const unavailable = (detail: string) => new IndiciumError('VAULT_UNAVAILABLE', { detail });

/**
 * The main thread's side of the SQLite writer thread (`sqlite-writer.worker.ts`). The writes asked
 * for in one turn of the event loop go over in one message, so they reach the writer's group
 * commit together, as they reached it when it ran on this thread. A write settles when its batch's
 * results come back, i.e. after that batch's COMMIT (synced) returned in the writer.
 *
 * If the thread dies, every write in flight fails with VAULT_UNAVAILABLE (its batch may or may not
 * have committed: the same answer as a crash) and the next write starts a new thread.
 */
export class SqliteWriter {
  readonly #options: SqliteWriterOptions;
  readonly #pending = new Map<number, Pending>();
  #outgoing: WriteJob[] = [];
  #worker: Worker | null = null;
  #exited: Promise<void> = Promise.resolve();
  #nextId = 1;
  #closed = false;
  #stats: StoreStats = Object.freeze({ batches: 0, units: 0, failedUnits: 0, largestBatch: 0 });
  /** Counters of threads that ended, so a restart does not make them go backwards. */
  #base: StoreStats = this.#stats;

  constructor(options: SqliteWriterOptions) {
    this.#options = options;
  }

  /** Queues `write` for the writer's next batch; settles after that batch's COMMIT (or its failure). */
  write<T>(write: SqliteWrite): Promise<{ value: T; receipt: CommitReceipt }> {
    if (this.#closed) return Promise.reject(unavailable('the store is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      if (this.#outgoing.length === 0) setImmediate(() => this.#send());
      this.#outgoing.push({ id, write, nowMs: this.#options.clock() });
    });
  }

  stats(): StoreStats {
    return this.#stats;
  }

  /** The writer thread while one runs (the crash test ends it to check what callers then see). */
  get thread(): Worker | null {
    return this.#worker;
  }

  /** Sends what is queued, lets the writer commit it, and waits for the thread to end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#send();
    if (this.#worker !== null) {
      this.#worker.ref();
      this.#worker.postMessage({ type: 'close' } satisfies ToWriter);
    }
    await this.#exited;
  }

  #send(): void {
    if (this.#outgoing.length === 0) return;
    const jobs = this.#outgoing;
    this.#outgoing = [];
    const worker = this.#worker ?? this.#start();
    worker.ref();
    worker.postMessage({ type: 'writes', jobs } satisfies ToWriter);
  }

  #start(): Worker {
    const data: SqliteWriterData = {
      entry: ENTRY.href,
      path: this.#options.path,
      busyTimeoutMs: this.#options.busyTimeoutMs,
      maxBatchUnits: this.#options.maxBatchUnits,
    };
    const worker = new Worker(BOOTSTRAP, { workerData: data, execArgv: workerExecArgv() });
    this.#worker = worker;
    let failure: Error | null = null;
    worker.on('message', (message: FromWriter) => {
      if (message.type === 'open-failed') failure = reviveError(message.error);
      else if (message.type === 'results') this.#settle(message);
    });
    worker.on('error', (error) => {
      failure = error;
    });
    this.#exited = new Promise((resolve) => {
      worker.once('exit', () => {
        if (this.#worker === worker) this.#worker = null;
        this.#base = this.#stats;
        const why =
          failure === null ? 'the store writer stopped' : `the store writer failed: ${failure.message}`;
        for (const pending of this.#pending.values()) pending.reject(unavailable(why));
        this.#pending.clear();
        resolve();
      });
    });
    return worker;
  }

  #settle(message: Extract<FromWriter, { type: 'results' }>): void {
    const committedAtMs = this.#options.clock();
    const s = message.stats;
    const b = this.#base;
    this.#stats = Object.freeze({
      batches: b.batches + s.batches,
      units: b.units + s.units,
      failedUnits: b.failedUnits + s.failedUnits,
      largestBatch: Math.max(b.largestBatch, s.largestBatch),
    });
    for (const result of message.results) {
      const pending = this.#pending.get(result.id);
      if (pending === undefined) continue;
      this.#pending.delete(result.id);
      if (result.ok) {
        // Batch numbers go on counting across a restarted thread.
        const receipt = {
          batch: b.batches + result.receipt.batch,
          batchUnits: result.receipt.batchUnits,
          committedAtMs,
        };
        pending.resolve({ value: result.value, receipt: Object.freeze(receipt) });
      } else pending.reject(reviveError(result.error));
    }
    // An idle writer must not keep the process alive; one with writes in flight must.
    if (this.#pending.size === 0 && !this.#closed) this.#worker?.unref();
  }
}
