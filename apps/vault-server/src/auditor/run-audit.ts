import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyMeterRegisters, verifyStatus } from '@indicium/crypto-module';
import { type AuditEntry, fromWireError, toBase64 } from '@indicium/protocol';
import type { AuditLog } from '../pool/file-audit-log.js';
import type { ModulePool } from '../pool/module-pool.js';
import type { AuditKeyBook, PinnedModuleKeys } from './audit-key-book.js';
import type { AuditReport, ModuleAudit } from './audit-report.js';
import { verifyModuleLog } from './verify-module-log.js';
import { withoutDiscardedChanges } from './without-discarded-changes.js';

export interface AuditRunDeps {
  readonly pool: Pick<ModulePool, 'dispatch' | 'info'>;
  readonly audit: Pick<AuditLog, 'read'>;
  readonly keys: AuditKeyBook;
  readonly pinned: PinnedModuleKeys;
  /** Runs Export Audit Key as the Auditor on one module (`exportAuditKey`). */
  readonly exportKey: (moduleSerial: string, modulePublicKey: string) => Promise<unknown>;
  readonly now?: () => number;
  /** How long to wait for entries the module reported in its head to reach the store. */
  readonly settleMs?: number;
}

interface Head {
  readonly auditSequence: number;
  readonly auditHead: string;
}

/** A signed, fresh chain head: Get Status with our nonce, checked under the pinned module key. */
async function signedHead(deps: AuditRunDeps, serial: string, pinned: string): Promise<Head> {
  const nonce = toBase64(randomBytes(16));
  const outcome = await deps.pool.dispatch({ command: 'get-status', body: { nonce } }, { module: serial });
  if (!outcome.ok) throw fromWireError(outcome.error);
  const status = verifyStatus(outcome.result, pinned, nonce);
  return { auditSequence: status.auditSequence, auditHead: status.auditHead };
}

/**
 * The pool stores an entry before the command's outcome leaves it, but a command the module ran
 * just before our Get Status may still be on its way to the store: wait briefly for the log to
 * reach the head before calling anything missing.
 */
async function entriesUpTo(deps: AuditRunDeps, serial: string, head: Head): Promise<AuditEntry[]> {
  const deadline = Date.now() + (deps.settleMs ?? 2_000);
  for (;;) {
    const entries = await deps.audit.read(serial);
    const last = entries.at(-1)?.sequence ?? -1;
    if (last + 1 >= head.auditSequence || Date.now() >= deadline) return entries;
    await sleep(50);
  }
}

async function auditKey(deps: AuditRunDeps, serial: string, pinned: string): Promise<string | null> {
  // A key file edited at rest fails its signature check (SIGNATURE_INVALID): never used, and the
  // module is reported, not silently re-exported.
  try {
    const known = await deps.keys.get(serial);
    if (known !== null) return known.auditPublicKey;
    return (await deps.keys.put(serial, await deps.exportKey(serial, pinned))).auditPublicKey;
  } catch {
    return null;
  }
}

/**
 * One audit run over the whole vault (DESIGN §3.5): for each module, its audit key (exported once
 * by the Auditor, checked against the pinned module key), a signed fresh head, and its stored log
 * verified up to that head; then every meter's package changes from all modules' logs, merged
 * and sorted by time, must never show the AR going down or a package version used twice (a
 * replayed database record). Nothing here trusts the database: the keys and heads come signed
 * from the modules.
 *
 * @example
 * const report = await runAudit({ pool, audit, keys, pinned, exportKey });
 * if (!report.valid) log.error({ report }, 'audit verification failed');
 */
export async function runAudit(deps: AuditRunDeps): Promise<AuditReport> {
  const now = deps.now ?? Date.now;
  const startedAtMs = now();
  const modules: ModuleAudit[] = [];
  const logs: { moduleSerial: string; entries: readonly AuditEntry[] }[] = [];
  for (const info of deps.pool.info()) {
    const serial = info.serial;
    const pinned = deps.pinned(serial);
    const fail = (kind: ModuleAudit['problems'][number]['kind'], entries = 0): ModuleAudit => ({
      moduleSerial: serial,
      result: 'failed',
      entries,
      problems: [{ index: entries, kind }],
    });
    if (pinned === undefined) {
      // A module added but not yet initialized has no module key to pin, hence nothing to trust yet.
      modules.push({ moduleSerial: serial, result: 'skipped', entries: 0, problems: [] });
      continue;
    }
    const key = await auditKey(deps, serial, pinned);
    let head: Head;
    try {
      head = await signedHead(deps, serial, pinned);
    } catch {
      modules.push(fail('status-unavailable'));
      continue;
    }
    const entries = await entriesUpTo(deps, serial, head);
    logs.push({ moduleSerial: serial, entries });
    if (key === null) {
      modules.push(
        info.inService
          ? fail('audit-key-unavailable', entries.length)
          : { moduleSerial: serial, result: 'skipped', entries: entries.length, problems: [] },
      );
      continue;
    }
    const { valid, problems } = verifyModuleLog(entries, {
      moduleSerial: serial,
      auditPublicKey: key,
      head,
    });
    modules.push({
      moduleSerial: serial,
      result: valid ? 'verified' : 'failed',
      entries: entries.length,
      problems: problems.map((p) => ({ index: p.index, kind: p.kind })),
    });
  }
  // Changes a module rolled back itself (Auto-Recover Checkpoint after a vault was killed) are
  // not the meter's history; a replayed record still shows.
  const meters = verifyMeterRegisters(withoutDiscardedChanges(logs));
  const metersReport = meters.meters.map((m) => ({
    meterId: m.meterId,
    kind: m.kind,
    entries: m.entries.map((e) => ({ moduleSerial: e.moduleSerial, sequence: e.sequence })),
  }));
  return {
    valid: modules.every((m) => m.result !== 'failed') && metersReport.length === 0,
    startedAtMs,
    finishedAtMs: now(),
    modules,
    meters: metersReport,
    metersChecked: Object.keys(meters.changes).length,
  };
}
