import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  type AuditEntry,
  AuditEntrySchema,
  encodeAuditEntry,
  fromBase64,
  toBase64,
} from '@indicium/protocol';
import { DEFAULT_AUDIT_SIGN_EVERY, ZERO_HASH_BASE64 } from './audit-section.js';
import { auditEntryHash } from './make-audit-entry.js';

export type AuditProblemKind =
  /** Not an audit entry at all. */
  | 'malformed'
  /** Another module's entry in this module's log. */
  | 'wrong-module'
  /** Sequence numbers do not follow: an entry was removed, inserted or moved. */
  | 'sequence-gap'
  /** `previousHash` is not the hash of the entry before: the previous entry was edited, or this one inserted. */
  | 'chain-break'
  /** A signature that does not verify under the audit key: the entry was edited or forged. */
  | 'bad-signature'
  /** The signing rule says this entry must be signed and it is not (a stripped signature). */
  | 'missing-signature'
  /** The log does not end at the head the module reported: entries were cut off the end. */
  | 'truncated';

export interface AuditProblem {
  /** Position in the array given. */
  readonly index: number;
  readonly kind: AuditProblemKind;
}

export interface AuditVerification {
  readonly valid: boolean;
  readonly problems: readonly AuditProblem[];
}

export interface VerifyAuditOptions {
  /** The module's N (DESIGN §3.5); the log may never hold N unsigned entries in a row. */
  readonly signEvery?: number;
  /** The module serial every entry must name. */
  readonly moduleSerial?: string;
  /**
   * The head from a Get Status whose signature the caller verified: `auditSequence` is the next
   * sequence number, `auditHead` the hash of the last entry. Without it a cut-off tail cannot be seen.
   */
  readonly head?: { readonly auditSequence: number; readonly auditHead: string };
  /**
   * Where this part of the log starts: the head after the part already verified. Default: the
   * start of the chain (sequence 0, all-zero previous hash), so a removed prefix is caught.
   */
  readonly after?: { readonly auditSequence: number; readonly auditHead: string };
}

/**
 * Verifies one module's audit log (DESIGN §3.5), for the auditor service: the hash chain, the
 * sequence, every signature, the signing rule, and (given a signed head) completeness. Detects
 * edited, reordered, removed, inserted and truncated entries and bad or stripped signatures.
 * A log may be verified in parts: pass the head after the previous part as `after`; by default it
 * must start at the beginning of the chain.
 *
 * @example
 * const { valid, problems } = verifyAuditChain(entries, auditPublicKeySpkiBase64, { head: status });
 */
export function verifyAuditChain(
  entries: readonly unknown[],
  auditPublicKey: KeyObject | string,
  options: VerifyAuditOptions = {},
): AuditVerification {
  const key =
    typeof auditPublicKey === 'string'
      ? createPublicKey({ key: Buffer.from(auditPublicKey, 'base64'), format: 'der', type: 'spki' })
      : auditPublicKey;
  const signEvery = options.signEvery ?? DEFAULT_AUDIT_SIGN_EVERY;
  const after = options.after ?? { auditSequence: 0, auditHead: ZERO_HASH_BASE64 };
  const problems: AuditProblem[] = [];
  let previous: AuditEntry | null = null;
  let unsignedRun = 0;
  for (const [index, raw] of entries.entries()) {
    const parsed = AuditEntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ index, kind: 'malformed' });
      previous = null;
      continue;
    }
    const entry = parsed.data;
    if (options.moduleSerial !== undefined && entry.moduleSerial !== options.moduleSerial) {
      problems.push({ index, kind: 'wrong-module' });
    }
    if (index === 0) {
      if (entry.sequence !== after.auditSequence) problems.push({ index, kind: 'sequence-gap' });
      if (entry.previousHash !== after.auditHead) problems.push({ index, kind: 'chain-break' });
    } else if (previous !== null) {
      if (entry.sequence !== previous.sequence + 1) problems.push({ index, kind: 'sequence-gap' });
      if (entry.previousHash !== toBase64(auditEntryHash(previous)))
        problems.push({ index, kind: 'chain-break' });
    }
    const firstAfterBoot = previous !== null && entry.bootCount !== previous.bootCount;
    const mustSign = entry.signatureRequired || firstAfterBoot || unsignedRun + 1 >= signEvery;
    if (entry.signature === null) {
      if (mustSign) problems.push({ index, kind: 'missing-signature' });
      unsignedRun++;
    } else {
      const ok = verify(
        'sha256',
        encodeAuditEntry(entry),
        { key, dsaEncoding: 'ieee-p1363' },
        fromBase64(entry.signature),
      );
      if (!ok) problems.push({ index, kind: 'bad-signature' });
      unsignedRun = 0;
    }
    previous = entry;
  }
  if (options.head !== undefined) {
    const last = previous;
    const complete =
      last === null
        ? entries.length === 0 && options.head.auditSequence === 0
        : last.sequence + 1 === options.head.auditSequence &&
          toBase64(auditEntryHash(last)) === options.head.auditHead;
    if (!complete) problems.push({ index: entries.length, kind: 'truncated' });
  }
  return { valid: problems.length === 0, problems };
}
