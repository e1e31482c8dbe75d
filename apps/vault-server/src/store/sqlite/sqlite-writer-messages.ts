import type { CommitReceipt, StoreStats } from '../store.js';
import type { SqliteWrite } from './sqlite-writes.js';
import type { TransportedError } from './transported-error.js';

/** What the writer thread is started with. */
export interface SqliteWriterData {
  readonly entry: string;
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly maxBatchUnits: number;
}

export interface WriteJob {
  readonly id: number;
  readonly write: SqliteWrite;
  readonly nowMs: number;
}

/** Main → writer: the writes of one turn of the main event loop, in order; or close. */
export type ToWriter =
  | { readonly type: 'writes'; readonly jobs: readonly WriteJob[] }
  | { readonly type: 'close' };

export type WriteResult =
  | {
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
      readonly receipt: Omit<CommitReceipt, 'committedAtMs'>;
    }
  | { readonly id: number; readonly ok: false; readonly error: TransportedError };

/** Writer → main: the results of one batch (sent after its COMMIT returned), with the counters. */
export type FromWriter =
  | { readonly type: 'ready' }
  | { readonly type: 'open-failed'; readonly error: TransportedError }
  | { readonly type: 'results'; readonly results: readonly WriteResult[]; readonly stats: StoreStats };
