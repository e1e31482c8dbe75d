import { type PageCallAnswer, parseIndicium } from '@indicium/protocol';
import type { JournalRecord } from './journal-record.js';

/** An indicium as the journal knows it: the issue, then every print attempt and its outcome. */
export interface JournalEntry {
  readonly indiciumId: string;
  readonly meterId: string;
  readonly userId: string;
  readonly requestMac: Uint8Array;
  readonly indicium: Uint8Array;
  readonly medium: 'envelope-10' | 'label-4x6' | 'letter';
  readonly issuedAt: string;
  /** Jobs handed to a printer (or started: a crash mid-print counts, since paper may have come out). */
  readonly attempts: number;
  readonly printedAt: string | null;
  readonly printerId: string | null;
  readonly jobId: string | null;
  readonly lastError: string | null;
}

/** Folds one record into the entries (the journal's state is the fold of its lines). */
export function applyRecord(entries: Map<string, JournalEntry>, record: JournalRecord): void {
  const current = entries.get(record.indiciumId);
  switch (record.type) {
    case 'issued':
      if (current !== undefined) return;
      entries.set(record.indiciumId, {
        indiciumId: record.indiciumId,
        meterId: record.meterId,
        userId: record.userId,
        requestMac: new Uint8Array(Buffer.from(record.requestMac, 'base64')),
        indicium: new Uint8Array(Buffer.from(record.indicium, 'base64')),
        medium: record.medium,
        issuedAt: record.at,
        attempts: 0,
        printedAt: null,
        printerId: null,
        jobId: null,
        lastError: null,
      });
      return;
    case 'print-started':
      if (current !== undefined)
        entries.set(record.indiciumId, {
          ...current,
          attempts: current.attempts + 1,
          printerId: record.printerId,
        });
      return;
    case 'printed':
      if (current !== undefined) {
        entries.set(record.indiciumId, {
          ...current,
          printedAt: record.at,
          printerId: record.printerId,
          jobId: record.jobId,
          lastError: null,
        });
      }
      return;
    case 'print-failed':
      if (current !== undefined) entries.set(record.indiciumId, { ...current, lastError: record.code });
      return;
  }
}

type IndiciumRecord = PageCallAnswer<'history'>['items'][number];

/** The entry as the page API's history item: the indicium's own signed fields, and the print status. */
export function toHistoryItem(entry: JournalEntry): IndiciumRecord {
  const { fields } = parseIndicium(entry.indicium);
  return {
    indiciumId: entry.indiciumId,
    meterId: entry.meterId,
    createdAt: entry.issuedAt,
    kind: fields.kind,
    postageMills: fields.postageMills,
    mailingDate: fields.mailingDate,
    rateCategory: fields.rateCategory,
    originZip: fields.originZip,
    destinationZip: fields.destinationZip,
    status: entry.printedAt !== null ? 'printed' : entry.attempts > 0 ? 'print-failed' : 'issued',
  };
}
