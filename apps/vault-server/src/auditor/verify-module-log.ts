import { type AuditVerification, verifyAuditChain } from '@indicium/crypto-module';

export interface ModuleLogCheck {
  readonly moduleSerial: string;
  /** SPKI DER base64 of the audit key, already checked with `verifyExportedAuditKey`. */
  readonly auditPublicKey: string;
  /** The chain head from a Get Status verified under the pinned module key (`verifyStatus`). */
  readonly head: { readonly auditSequence: number; readonly auditHead: string };
}

/**
 * One module's log against its signed head (DESIGN §3.5): the hash chain from entry 0, the
 * sequence, every signature and the signing rule, each entry naming this module, and nothing cut
 * off the end. Entries the module made after the head was taken are left out (they are checked
 * on the next run): the head proves completeness only up to itself. The one check behind both the
 * auditor service and `vaultctl audit verify`.
 *
 * @example
 * const { valid, problems } = verifyModuleLog(entries, { moduleSerial, auditPublicKey, head: status });
 */
export function verifyModuleLog(entries: readonly unknown[], check: ModuleLogCheck): AuditVerification {
  const upToHead = entries.filter((entry) => !isAfterHead(entry, check.head.auditSequence));
  return verifyAuditChain(upToHead, check.auditPublicKey, {
    moduleSerial: check.moduleSerial,
    head: { auditSequence: check.head.auditSequence, auditHead: check.head.auditHead },
  });
}

function isAfterHead(entry: unknown, nextSequence: number): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const sequence = (entry as { sequence?: unknown }).sequence;
  return typeof sequence === 'number' && sequence >= nextSequence;
}
