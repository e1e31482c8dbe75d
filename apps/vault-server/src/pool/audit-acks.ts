import { createHash } from 'node:crypto';
import { type AuditEntry, encodeAuditEntry } from '@indicium/protocol';
import type { PoolLogger } from './module-pool.js';

/** Acknowledge once this many entries of a module are stored and not yet acknowledged. */
export const ACK_EVERY = 32;
/** …or once the oldest of them has waited this long (an idle module's outbox empties too). */
export const ACK_DELAY_MS = 250;

export interface AuditAcksOptions {
  /** Sends `acknowledge-audit { through, hash }` to the module; resolves when it answered. */
  readonly send: (serial: string, through: number, hash: string) => Promise<void>;
  readonly logger?: PoolLogger;
  readonly every?: number;
  readonly delayMs?: number;
}

/**
 * When to tell each module its audit entries are stored (the module's outbox, crypto-module
 * README "Audit"). Entries are reported as each durable commit that carries them resolves, in
 * any order (a PSD unit, the pool's sink, a failed unit's entries stored alone); a module's ack
 * is cumulative, so this acknowledges only through the longest run of consecutive stored entries
 * — an entry that was never stored keeps every later one in the outbox. Acks are batched
 * (`ACK_EVERY`, `ACK_DELAY_MS`), one in flight per module: an ack is a module command and an NVM
 * write, so one per indicium would cost as much as the indicium's own write.
 *
 * A module's run starts unknown: nothing is acknowledged until `start` gives the sequence
 * through which the vault knows every entry stored (after it drained the outbox at the module's
 * boot). An entry 0 is a new chain (Start Initialization after a Reset): the run starts again.
 * An entry joins the run only if its `previousHash` is the hash of the run's last entry: an entry
 * of another chain (a Reset whose entry 0 was never stored) stops the run until the next drain,
 * because a cumulative ack by sequence would drop that chain's unstored entries.
 */
export interface AuditAcks {
  /** `headHash`: the hash of entry `storedThrough` (the module's chain head at the drain). */
  start(serial: string, storedThrough: number, headHash?: string): void;
  /** Entries of `serial` that a durable commit now holds. */
  stored(serial: string, entries: readonly AuditEntry[]): void;
  /** Forgets a module's run (its thread stopped): nothing more is acknowledged until `start`. */
  forget(serial: string): void;
  /** Acknowledges everything stored so far and waits for the answers. */
  flush(): Promise<void>;
}

interface Run {
  /** Every entry through this sequence is stored. */
  contiguous: number;
  /** The hash of the entry at `contiguous` (it names it in the ack); null when `start` gave none. */
  head: string | null;
  acked: number;
  readonly pending: Map<number, AuditEntry>;
  inFlight: Promise<void> | null;
  timer: NodeJS.Timeout | null;
}

/** SHA-256 of the entry's canonical encoding: what the module's next entry names as previousHash. */
export function auditEntryHash(entry: AuditEntry): string {
  return createHash('sha256').update(encodeAuditEntry(entry)).digest('base64');
}

const ZERO_HASH = Buffer.alloc(32).toString('base64');

export function createAuditAcks(options: AuditAcksOptions): AuditAcks {
  const every = options.every ?? ACK_EVERY;
  const delayMs = options.delayMs ?? ACK_DELAY_MS;
  const runs = new Map<string, Run>();

  function fresh(contiguous: number, head: string | null): Run {
    return { contiguous, head, acked: contiguous, pending: new Map(), inFlight: null, timer: null };
  }

  function stopTimer(run: Run): void {
    if (run.timer !== null) clearTimeout(run.timer);
    run.timer = null;
  }

  function send(serial: string, run: Run): Promise<void> {
    stopTimer(run);
    if (run.inFlight !== null || run.contiguous <= run.acked || run.head === null) {
      return run.inFlight ?? Promise.resolve();
    }
    const through = run.contiguous;
    const sent = options
      .send(serial, through, run.head)
      .then(
        () => {
          run.acked = Math.max(run.acked, through);
        },
        (error: unknown) => {
          // Harmless for the chain: the entries stay in the outbox and the next module boot (or a
          // full outbox) stores them again, which is a no-op for those already stored.
          options.logger?.error({ module: serial, err: error, through }, 'audit acknowledgement failed');
        },
      )
      .finally(() => {
        run.inFlight = null;
        if (runs.get(serial) === run && run.contiguous - run.acked >= every) void send(serial, run);
        else if (runs.get(serial) === run) schedule(serial, run);
      });
    run.inFlight = sent;
    return sent;
  }

  function schedule(serial: string, run: Run): void {
    if (run.timer !== null || run.contiguous <= run.acked) return;
    run.timer = setTimeout(() => {
      run.timer = null;
      void send(serial, run);
    }, delayMs);
    run.timer.unref();
  }

  return {
    start(serial, storedThrough, headHash) {
      const old = runs.get(serial);
      if (old !== undefined) stopTimer(old);
      runs.set(serial, fresh(storedThrough, headHash ?? null));
    },
    stored(serial, entries) {
      let run = runs.get(serial);
      if (run === undefined) return;
      for (const entry of entries) {
        if (entry.sequence === 0 && run.contiguous >= 0) {
          stopTimer(run);
          run = fresh(-1, ZERO_HASH);
          runs.set(serial, run);
        }
        if (entry.sequence > run.contiguous) run.pending.set(entry.sequence, entry);
      }
      let next = run.pending.get(run.contiguous + 1);
      while (next !== undefined) {
        if (run.head !== null && next.previousHash !== run.head) {
          stopTimer(run);
          runs.delete(serial);
          options.logger?.error(
            { module: serial, sequence: next.sequence },
            'audit entry not on the chain being acknowledged: acknowledgements stop until the next drain',
          );
          return;
        }
        run.pending.delete(next.sequence);
        run.contiguous = next.sequence;
        run.head = auditEntryHash(next);
        next = run.pending.get(run.contiguous + 1);
      }
      if (run.contiguous - run.acked >= every) void send(serial, run);
      else schedule(serial, run);
    },
    forget(serial) {
      const run = runs.get(serial);
      if (run !== undefined) stopTimer(run);
      runs.delete(serial);
    },
    async flush() {
      await Promise.all(
        [...runs.entries()].map(async ([serial, run]) => {
          await run.inFlight;
          await send(serial, run);
        }),
      );
    },
  };
}
