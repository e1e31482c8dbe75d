import type { AuditEntry } from '@indicium/protocol';
import type { AuditLog } from '../pool/file-audit-log.js';
import type { Store } from '../store/store.js';

/** Entries read per page when a module's whole log is read back. */
const PAGE = 1_000;

/**
 * The auditor's store of every audit entry the pool emits (DESIGN §3.5, §6), in the database's
 * `audit_entries` table. The pool awaits `append` before an outcome leaves it, and `store.commit`
 * resolves only after its batch's COMMIT is synced, so no answer leaves before its entry is
 * durable; entries arriving together share one sync (group commit) where the per-entry file log
 * paid one each. A PSD unit that carries the same entry again is a no-op in the store; a
 * different entry at a taken sequence is refused (`DUPLICATE_RECORD`), and the pool then answers
 * `AUDIT_FAILURE` rather than an answer whose audit trail is in doubt.
 *
 * @example
 * const vault = await openVault({ dataDir, audit: createStoreAuditLog(store) });
 */
export function createStoreAuditLog(store: Store): AuditLog {
  return {
    async append(serial, entry) {
      await store.commit({ auditEntries: [{ moduleId: serial, entry }] });
    },
    async read(serial) {
      const entries: AuditEntry[] = [];
      // Continue after the last row read, not at a count: a row deleted behind the store must
      // show as a gap to the chain check, never as a row read twice.
      let fromSequence = 0;
      for (;;) {
        const page = await store.audit.listByModule(serial, { fromSequence, limit: PAGE });
        for (const record of page) {
          entries.push(record.entry);
          fromSequence = record.sequence + 1;
        }
        if (page.length < PAGE) return entries;
      }
    },
    // The store outlives the pool: the composition root closes it after the pool has drained.
    async close() {},
  };
}
