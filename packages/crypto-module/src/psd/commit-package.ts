import type { PsdRecordsAnswer } from '@indicium/protocol';
import { appendCheckpoint, type TotalKind } from '../checkpoints/checkpoint-keeper.js';
import type { HandlerContext } from '../commands/handler-context.js';
import type { MksKeys } from '../mks/mks-keyring.js';
import type { MeterKeys } from './package/meter-keys.js';
import type { PsdPackage } from './package/psd-package.js';
import { sealPackage } from './seal-package.js';

/** What one package change moved, for the checkpoint record and the audit entry. */
export interface PackageChange {
  /** The meter user the change was made for (null: provider, CA or host). */
  readonly userId: string | null;
  readonly amountMills: number;
  readonly total: TotalKind;
  /** Extra non-secret audit facts. */
  readonly audit?: Readonly<Record<string, string>>;
}

export interface Committed {
  readonly records: PsdRecordsAnswer;
  readonly auditData: Readonly<Record<string, string>>;
  readonly pkg: PsdPackage;
}

/**
 * DESIGN §3.3: "every command that changes a package returns the new package, the new checkpoint
 * record and an audit entry, and changes nothing else". The next version is the old one plus one;
 * the checkpoint goes to the NVM draft (written with the audit chain head by dispatch) and out to
 * the host; the audit data names meter, user, AR and DR (the auditor sorts by them, §3.5).
 */
export function commitPackage(
  ctx: HandlerContext,
  next: PsdPackage,
  keys: MeterKeys,
  mks: MksKeys,
  change: PackageChange,
): Committed {
  const pkg: PsdPackage = { ...next, lastTransactionAt: ctx.now, lastTransaction: ctx.command };
  const base = madeFrom.get(next);
  // Used once: kept, each version would hold the one before it alive, and so the meter's history.
  madeFrom.delete(next);
  const sealed = sealPackage(pkg, keys, mks, base);
  const checkpoint = appendCheckpoint(ctx, {
    meterId: pkg.meterId,
    transaction: ctx.command,
    amountMills: change.amountMills,
    total: change.total,
    ascendingRegisterMills: pkg.ascendingRegister,
    descendingRegisterMills: pkg.descendingRegister,
    packageVersion: pkg.packageVersion,
  });
  return {
    pkg,
    records: {
      meterId: pkg.meterId,
      package: sealed,
      packageVersion: pkg.packageVersion,
      checkpoint,
      state: pkg.state,
      ascendingRegisterMills: pkg.ascendingRegister,
      descendingRegisterMills: pkg.descendingRegister,
      pieceCount: pkg.pieceCount,
    },
    auditData: {
      ...change.audit,
      meterId: pkg.meterId,
      meterUserId: change.userId ?? '',
      amountMills: String(change.amountMills),
      ascendingRegisterMills: String(pkg.ascendingRegister),
      descendingRegisterMills: String(pkg.descendingRegister),
      packageVersion: String(pkg.packageVersion),
    },
  };
}

/** The package each `nextVersion` result was made from, so sealing can patch its bytes (`seal-package.ts`). */
const madeFrom = new WeakMap<PsdPackage, PsdPackage>();

/** The next contents of an opened package: same meter, version + 1. */
export function nextVersion(pkg: PsdPackage, changes: Partial<PsdPackage>): PsdPackage {
  const next = { ...pkg, ...changes, packageVersion: pkg.packageVersion + 1 };
  madeFrom.set(next, pkg);
  return next;
}
