import {
  AUDIT_HASH_BYTES,
  type AuditEntry,
  AuditEntrySchema,
  base64Bytes,
  IndiciumError,
  type ModuleOutcome,
} from '@indicium/protocol';
import { z } from 'zod';

const OutboxSchema = z.object({
  entries: z.array(AuditEntrySchema),
  nextSequence: z.number().int().min(0),
  headHash: base64Bytes({ exact: AUDIT_HASH_BYTES }),
});

export interface DrainedOutbox {
  /** Entries the outbox held, all now stored (most were already: storing again is a no-op). */
  readonly stored: number;
  /** Every entry through this sequence is stored and acknowledged; -1 for a chain not started. */
  readonly through: number;
  /** The hash of entry `through` (the module's chain head when it was read): the next entry names it. */
  readonly headHash: string;
}

/**
 * Stores what a module kept in its audit outbox and acknowledges it (crypto-module README
 * "Audit"): run at every module start, before the module serves anything, so an entry a killed
 * vault had not committed reaches the database and the chain shows no hole; and when a module
 * refuses with AUDIT_OUTBOX_FULL (acknowledgements fell behind, or a store failed). The ack names
 * the chain head, which the module checks against its newest entry.
 *
 * @example
 * const { through } = await drainAuditOutbox((r) => worker.dispatch(r), (e) => store(serial, e));
 */
export async function drainAuditOutbox(
  dispatch: (request: { command: string; body: unknown }) => Promise<ModuleOutcome>,
  store: (entries: readonly AuditEntry[]) => Promise<void>,
): Promise<DrainedOutbox> {
  const read = await dispatch({ command: 'read-audit-outbox', body: {} });
  if (!read.ok) throw new IndiciumError('AUDIT_FAILURE', { detail: `read-audit-outbox: ${read.error.code}` });
  const parsed = OutboxSchema.safeParse(read.result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndiciumError('AUDIT_FAILURE', {
      detail: `read-audit-outbox answer out of shape: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    });
  }
  const outbox = parsed.data;
  const last = outbox.entries.at(-1);
  if (last === undefined) return { stored: 0, through: outbox.nextSequence - 1, headHash: outbox.headHash };
  await store(outbox.entries);
  const acked = await dispatch({
    command: 'acknowledge-audit',
    body: { through: last.sequence, hash: outbox.headHash },
  });
  if (!acked.ok)
    throw new IndiciumError('AUDIT_FAILURE', { detail: `acknowledge-audit: ${acked.error.code}` });
  return { stored: outbox.entries.length, through: last.sequence, headHash: outbox.headHash };
}
