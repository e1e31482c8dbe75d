import { open, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { withFileLock } from './file-lock.js';
import { applyRecord, type JournalEntry } from './journal-entry.js';
import {
  GENESIS_HASH,
  indiciumIdOf,
  type JournalRecord,
  JournalRecordSchema,
  lineHash,
  type NewJournalRecord,
} from './journal-record.js';

export interface JournalFiles {
  readonly file: string;
  readonly lockFile: string;
}

/** What a finished print attempt reports. */
export type PrintOutcome =
  | { readonly ok: true; readonly printerId: string; readonly jobId: string | null }
  | { readonly ok: false; readonly code: string };

/**
 * The local append-only journal of issued indicia (DESIGN §7). Every indicium the vault returns is
 * journaled (synced to disk) before it is rendered, and every print attempt is journaled before the
 * job goes to the printer. From it:
 *
 * - an indicium that was issued but never printed may be printed once more (`reprint`);
 * - an indicium is handed to a printer at most twice — its first print and one reprint — and never
 *   again once a printer took it: ALREADY_PRINTED. A duplicate indicium is a duplicate payment to
 *   the post, so when in doubt (a crash mid-print) the attempt counts.
 */
export class Journal {
  readonly #files: JournalFiles;
  readonly #entries = new Map<string, JournalEntry>();
  readonly #order: string[] = [];
  #offset = 0;
  #lastHash = GENESIS_HASH;
  #nextSeq = 0;

  private constructor(files: JournalFiles) {
    this.#files = files;
  }

  /** Reads and checks the whole journal (LOCAL_STORE_CORRUPT on a broken chain). */
  static async open(files: JournalFiles): Promise<Journal> {
    const journal = new Journal(files);
    await journal.#catchUp(false);
    return journal;
  }

  /** One entry by id, after reading what other processes appended. */
  async entry(indiciumId: string): Promise<JournalEntry | undefined> {
    await this.#catchUp(false);
    return this.#entries.get(indiciumId);
  }

  /** Entries newest first, optionally of one meter. */
  async list(options: { meterId?: string; limit: number }): Promise<JournalEntry[]> {
    await this.#catchUp(false);
    const out: JournalEntry[] = [];
    for (let i = this.#order.length - 1; i >= 0 && out.length < options.limit; i -= 1) {
      const entry = this.#entries.get(this.#order[i] as string);
      if (entry !== undefined && (options.meterId === undefined || entry.meterId === options.meterId))
        out.push(entry);
    }
    return out;
  }

  /**
   * Journals an indicium the vault issued, durably. The same indicium again (a retried request that
   * returned the stored answer) returns its existing entry.
   */
  recordIssued(issue: {
    meterId: string;
    userId: string;
    requestMac: Uint8Array;
    indicium: Uint8Array;
    medium: JournalEntry['medium'];
  }): Promise<JournalEntry> {
    const indiciumId = indiciumIdOf(issue.indicium);
    return this.#locked(async () => {
      const existing = this.#entries.get(indiciumId);
      if (existing !== undefined) return existing;
      await this.#append({
        type: 'issued',
        indiciumId,
        meterId: issue.meterId,
        userId: issue.userId,
        requestMac: Buffer.from(issue.requestMac).toString('base64'),
        indicium: Buffer.from(issue.indicium).toString('base64'),
        medium: issue.medium,
      });
      return this.#entries.get(indiciumId) as JournalEntry;
    });
  }

  /**
   * Claims a print attempt, durably, before the job is sent: ALREADY_PRINTED if a printer already
   * took this indicium, if this is a first print of one already attempted, or if its one reprint
   * was used; INVALID_INPUT (field indiciumId) for an id the journal does not hold.
   */
  startPrint(indiciumId: string, attempt: { printerId: string; reprint: boolean }): Promise<JournalEntry> {
    return this.#locked(async () => {
      const entry = this.#entries.get(indiciumId);
      if (entry === undefined) {
        throw new IndiciumError('INVALID_INPUT', {
          field: 'indiciumId',
          detail: 'no such indicium in this journal',
        });
      }
      if (entry.printedAt !== null) {
        throw new IndiciumError('ALREADY_PRINTED', {
          field: 'indiciumId',
          details: { printedAt: entry.printedAt },
        });
      }
      const allowed = attempt.reprint ? entry.attempts < 2 : entry.attempts === 0;
      if (!allowed) {
        throw new IndiciumError('ALREADY_PRINTED', {
          field: 'indiciumId',
          detail: attempt.reprint
            ? 'its one reprint was already used'
            : 'use reprint for an indicium already sent to a printer',
          details: { attempts: entry.attempts },
        });
      }
      await this.#append({
        type: 'print-started',
        indiciumId,
        printerId: attempt.printerId,
        reprint: attempt.reprint,
      });
      return this.#entries.get(indiciumId) as JournalEntry;
    });
  }

  /** Records how the attempt ended. */
  finishPrint(indiciumId: string, outcome: PrintOutcome): Promise<JournalEntry> {
    return this.#locked(async () => {
      await this.#append(
        outcome.ok
          ? { type: 'printed', indiciumId, printerId: outcome.printerId, jobId: outcome.jobId }
          : { type: 'print-failed', indiciumId, code: outcome.code },
      );
      return this.#entries.get(indiciumId) as JournalEntry;
    });
  }

  #locked<T>(work: () => Promise<T>): Promise<T> {
    return withFileLock(this.#files.lockFile, async () => {
      await this.#catchUp(true);
      return work();
    });
  }

  async #append(record: NewJournalRecord): Promise<void> {
    const full = { ...record, seq: this.#nextSeq, prev: this.#lastHash, at: new Date().toISOString() };
    const checked = JournalRecordSchema.parse(full);
    const line = JSON.stringify(checked);
    const created = this.#offset === 0;
    const handle = await open(this.#files.file, 'a', 0o600);
    try {
      await handle.write(`${line}\n`);
      // Durable before anything is printed: a crash after this keeps the record.
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await syncDirectory(dirname(this.#files.file));
    this.#accept(checked, line);
  }

  #accept(record: JournalRecord, line: string): void {
    if (!this.#entries.has(record.indiciumId)) this.#order.push(record.indiciumId);
    applyRecord(this.#entries, record);
    this.#offset += Buffer.byteLength(line, 'utf8') + 1;
    this.#lastHash = lineHash(line);
    this.#nextSeq = record.seq + 1;
  }

  /** Reads lines appended since the last read; under the lock, cuts off a line a crash left half-written. */
  async #catchUp(writer: boolean): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.#files.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let fresh: Buffer;
    try {
      const { size } = await handle.stat();
      fresh = Buffer.alloc(Math.max(0, size - this.#offset));
      if (fresh.length > 0) await handle.read(fresh, 0, fresh.length, this.#offset);
    } finally {
      await handle.close();
    }
    let start = 0;
    for (let end = fresh.indexOf(0x0a); end !== -1; end = fresh.indexOf(0x0a, start)) {
      this.#acceptLine(fresh.toString('utf8', start, end));
      start = end + 1;
    }
    if (start < fresh.length && writer) await truncate(this.#files.file, this.#offset);
  }

  #acceptLine(line: string): void {
    const where = { field: 'journal', details: { seq: this.#nextSeq } };
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', { ...where, detail: 'a journal line is not JSON' });
    }
    const parsed = JournalRecordSchema.safeParse(json);
    if (!parsed.success) {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', {
        ...where,
        detail: 'a journal line does not match its schema',
      });
    }
    if (parsed.data.seq !== this.#nextSeq || parsed.data.prev !== this.#lastHash) {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', {
        ...where,
        detail: 'the journal chain is broken: a line was edited, removed or reordered',
      });
    }
    if (parsed.data.type !== 'issued' && !this.#entries.has(parsed.data.indiciumId)) {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', {
        ...where,
        detail: 'a print record names no issued indicium',
      });
    }
    this.#accept(parsed.data, line);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
