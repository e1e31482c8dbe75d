import { createHash } from 'node:crypto';
import { MediumSchema, MeterIdSchema, MeterUserIdSchema, TimestampSchema } from '@indicium/protocol';
import { z } from 'zod';

/**
 * One line of the journal (DESIGN §7). Lines are JSON, one per event, each naming the SHA-256 of
 * the line before it (`prev`) and its sequence number, so an edited, removed or reordered line
 * shows as a broken chain. A local journal cannot stop its owner from deleting it: the chain is
 * there to catch damage and mistakes, and the vault keeps the authoritative record of every indicium.
 */
const b64 = z.base64();
const IndiciumIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const PrinterIdSchema = z.string().min(1).max(160);

const common = {
  seq: z.int().min(0),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  at: TimestampSchema,
  indiciumId: IndiciumIdSchema,
};

export const JournalRecordSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...common,
    type: z.literal('issued'),
    meterId: MeterIdSchema,
    userId: MeterUserIdSchema,
    /** The request's MAC: the vault's idempotency key for this indicium (DESIGN §4.3). */
    requestMac: b64,
    indicium: b64,
    medium: MediumSchema,
  }),
  /** Written, and synced, before a job is handed to the printer. */
  z.strictObject({
    ...common,
    type: z.literal('print-started'),
    printerId: PrinterIdSchema,
    reprint: z.boolean(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('printed'),
    printerId: PrinterIdSchema,
    jobId: z.string().max(256).nullable(),
  }),
  z.strictObject({ ...common, type: z.literal('print-failed'), code: z.string().max(64) }),
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

/** A record before the journal stamps it with its place in the chain. */
export type NewJournalRecord = JournalRecord extends infer R
  ? R extends JournalRecord
    ? Omit<R, 'seq' | 'prev' | 'at'>
    : never
  : never;

export const GENESIS_HASH = '0'.repeat(64);

export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

/**
 * The id of an indicium: the first 16 bytes of SHA-256 of its 114 bytes, base64url. The same
 * indicium always has the same id, so a retried request that yields the stored answer (DESIGN §4.3)
 * finds its journal entry instead of making a second one.
 */
export function indiciumIdOf(indicium: Uint8Array): string {
  return createHash('sha256').update(indicium).digest().subarray(0, 16).toString('base64url');
}
