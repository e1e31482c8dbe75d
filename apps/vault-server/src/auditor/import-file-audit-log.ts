import type { AuditLog } from '../pool/file-audit-log.js';
import type { Store } from '../store/store.js';

/** Audit entries per commit unit (the store's limit). */
const UNIT_ENTRIES = 64;

/**
 * Moves what a vault started before the store became the audit sink wrote to its per-module
 * `audit.jsonl` files into the database (DESIGN §3.5: the auditor stores every entry), so chains
 * verify from entry 0. Runs before any module command of this start; entries the store holds
 * already are no-ops, and only modules whose file reaches further than the store are read. The
 * files are left in place. Returns how many entries were imported per module.
 *
 * @example
 * await importFileAuditLog(createFileAuditLog(dataDir), store, pool.serials());
 */
export async function importFileAuditLog(
  files: Pick<AuditLog, 'read'>,
  store: Pick<Store, 'commit' | 'audit'>,
  serials: readonly string[],
): Promise<Record<string, number>> {
  const imported: Record<string, number> = {};
  for (const serial of serials) {
    const entries = await files.read(serial);
    const lastInFile = entries.at(-1)?.sequence ?? -1;
    const lastInStore = (await store.audit.latest(serial))?.sequence ?? -1;
    if (lastInFile <= lastInStore) continue;
    for (let i = 0; i < entries.length; i += UNIT_ENTRIES) {
      const chunk = entries.slice(i, i + UNIT_ENTRIES).map((entry) => ({ moduleId: serial, entry }));
      await store.commit({ auditEntries: chunk });
    }
    imported[serial] = entries.length;
  }
  return imported;
}
