import type { KeyObject } from 'node:crypto';
import { type AuditEntry, AuditEntrySchema } from '@indicium/protocol';
import { type AuditProblem, verifyAuditChain } from '../audit/verify-audit-chain.js';

/** One module's log, as the auditor service stores it. */
export interface ModuleLog {
  readonly moduleSerial: string;
  readonly entries: readonly unknown[];
  /** The module's audit public key (Export Audit Key); with it, the chain is verified first. */
  readonly auditPublicKey?: KeyObject | string;
}

export type MeterProblemKind =
  /** In package-version order, the meter's ascending register went down: a replayed database record (DESIGN §3.5). */
  | 'ar-decreased'
  /** Two package changes of the meter claim the same package version: one was made from an older copy. */
  | 'version-reused';

export interface MeterProblem {
  readonly meterId: string;
  readonly kind: MeterProblemKind;
  /** The two entries that disagree, as module serial and sequence number. */
  readonly entries: readonly { readonly moduleSerial: string; readonly sequence: number }[];
}

export interface MeterRegisterReport {
  readonly valid: boolean;
  /** Problems of each module's own chain (verifyAuditChain), by module serial. */
  readonly chains: Readonly<Record<string, readonly AuditProblem[]>>;
  readonly meters: readonly MeterProblem[];
  /** How many package changes of each meter were seen. */
  readonly changes: Readonly<Record<string, number>>;
}

interface Change {
  readonly moduleSerial: string;
  readonly sequence: number;
  readonly time: number;
  readonly packageVersion: number;
  readonly ascending: number;
}

function changeOf(entry: AuditEntry): { meterId: string; change: Change } | null {
  const { meterId, packageVersion, ascendingRegisterMills } = entry.data;
  if (meterId === undefined || packageVersion === undefined || ascendingRegisterMills === undefined)
    return null;
  if (entry.reasonCode !== 'OK') return null;
  return {
    meterId,
    change: {
      moduleSerial: entry.moduleSerial,
      sequence: entry.sequence,
      time: entry.time,
      packageVersion: Number(packageVersion),
      ascending: Number(ascendingRegisterMills),
    },
  };
}

const ref = (c: Change) => ({ moduleSerial: c.moduleSerial, sequence: c.sequence });

/**
 * The auditor's meter check (DESIGN §3.5, seed "Audit Log Verification protects PSD Package
 * Replay"): verifies each module's chain (when its key is given), then takes every package change
 * from every module's log, orders them by meter and package version, and reports any meter whose AR ever goes
 * down, or whose package version was used twice — both mean a module was handed an older copy
 * of the package than the last one written.
 *
 * @example
 * const report = verifyMeterRegisters([{ moduleSerial: 'M1', entries, auditPublicKey }, …]);
 * for (const p of report.meters) alert(`meter ${p.meterId}: ${p.kind}`);
 */
export function verifyMeterRegisters(logs: readonly ModuleLog[]): MeterRegisterReport {
  const chains: Record<string, readonly AuditProblem[]> = {};
  const byMeter = new Map<string, Change[]>();
  for (const log of logs) {
    if (log.auditPublicKey !== undefined) {
      chains[log.moduleSerial] = verifyAuditChain(log.entries, log.auditPublicKey, {
        moduleSerial: log.moduleSerial,
      }).problems;
    }
    for (const raw of log.entries) {
      const parsed = AuditEntrySchema.safeParse(raw);
      if (!parsed.success) continue;
      const found = changeOf(parsed.data);
      if (found === null) continue;
      const list = byMeter.get(found.meterId) ?? [];
      list.push(found.change);
      byMeter.set(found.meterId, list);
    }
  }
  const meters: MeterProblem[] = [];
  const changes: Record<string, number> = {};
  for (const [meterId, list] of byMeter) {
    changes[meterId] = list.length;
    // Package versions, not module clocks, order a meter's history: the version is inside the
    // integrity-protected package, while two modules' clocks may disagree by more than the time
    // between two pieces (seen: 20 ms), which would report a decrease that never happened.
    const inOrder = [...list].sort((a, b) => a.packageVersion - b.packageVersion || a.time - b.time);
    for (let i = 1; i < inOrder.length; i++) {
      const [before, after] = [inOrder[i - 1] as Change, inOrder[i] as Change];
      if (after.ascending < before.ascending) {
        meters.push({ meterId, kind: 'ar-decreased', entries: [ref(before), ref(after)] });
      }
    }
    const seen = new Map<number, Change>();
    for (const change of list) {
      const first = seen.get(change.packageVersion);
      if (first !== undefined)
        meters.push({ meterId, kind: 'version-reused', entries: [ref(first), ref(change)] });
      else seen.set(change.packageVersion, change);
    }
  }
  const chainsValid = Object.values(chains).every((problems) => problems.length === 0);
  return { valid: chainsValid && meters.length === 0, chains, meters, changes };
}
