import type { AuditEntry } from '@indicium/protocol';

interface ModuleEntries {
  readonly moduleSerial: string;
  readonly entries: readonly AuditEntry[];
}

/**
 * A module's log without the package changes its own Auto-Recover Checkpoint later discarded
 * (DESIGN §3.6), for the meter check only (each chain is verified whole, before this).
 *
 * A vault killed after a module answered and before the unit carrying the new package committed
 * leaves the module one checkpoint ahead of the database; the module keeps that change's audit
 * entry in its outbox, so the restarted vault stores it. The module then rolls back to the
 * database's record, and the signed, chained Auto-Recover entry lists each discarded transaction
 * as `discarded.N` = meter, transaction, amount, AR, DR, package version, time. The next change of
 * that meter is made from the database's older copy: the same package version again, and an AR
 * that may be lower than the discarded one. That is the rollback DESIGN §3.6 allows (at most the
 * two newest changes, each named by the module in a signed entry), not a replayed record: a
 * change counts as discarded only when an Auto-Recover entry *of the same module, after it in the
 * chain* names its meter, package version and AR, and each record discards one change: the newest
 * such change before that entry (a replay that made the same version and AR earlier still shows).
 */
export function withoutDiscardedChanges<L extends ModuleEntries>(logs: readonly L[]): L[] {
  return logs.map((log) => {
    const hidden = new Set<AuditEntry>();
    for (const [at, entry] of log.entries.entries()) {
      if (entry.command !== 'auto-recover-checkpoint' || entry.reasonCode !== 'OK') continue;
      for (const [key, value] of Object.entries(entry.data)) {
        if (!key.startsWith('discarded.')) continue;
        const [meterId, , , ascending, , packageVersion] = value.split(',');
        for (let i = at - 1; i >= 0; i--) {
          const change = log.entries[i] as AuditEntry;
          const { data } = change;
          if (
            !hidden.has(change) &&
            data.meterId === meterId &&
            data.packageVersion === packageVersion &&
            data.ascendingRegisterMills === ascending
          ) {
            hidden.add(change);
            break;
          }
        }
      }
    }
    if (hidden.size === 0) return log;
    return { ...log, entries: log.entries.filter((entry) => !hidden.has(entry)) };
  });
}
