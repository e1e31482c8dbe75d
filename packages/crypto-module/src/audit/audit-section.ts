import type { AuditEntry } from '@indicium/protocol';

/** The head of the audit chain, kept in NVM so the chain survives reboots (DESIGN §3.5). */
export interface AuditSection {
  /** The sequence number the next entry carries. */
  readonly nextSequence: number;
  /** SHA-256 of the last entry's canonical encoding, base64; all zero before the first entry. */
  readonly headHash: string;
  /** Entries made since the last signed one. */
  readonly sinceSigned: number;
  /** Sign every Nth entry (DESIGN §3.5); set at Start Initialization. */
  readonly signEvery: number;
  /**
   * Entries the host has not yet acknowledged as durably stored, oldest first, consecutive and
   * ending at the chain head (`audit-outbox.ts`). Written in the same NVM write that advances the
   * head, so an entry exists in NVM from the moment the chain counts it: a host killed between
   * the module's answer and its own commit loses no entry. At most `AUDIT_OUTBOX_LIMIT`.
   */
  readonly outbox: readonly AuditEntry[];
}

export const ZERO_HASH_BASE64 = Buffer.alloc(32).toString('base64');

export const DEFAULT_AUDIT_SIGN_EVERY = 16;

/**
 * How many unacknowledged entries a module keeps before it refuses audited commands
 * (AUDIT_OUTBOX_FULL). A vault acknowledges every few dozen entries, so 256 leaves room for a
 * slow database, while the NVM (rewritten by every command) stays a few hundred kilobytes at worst.
 */
export const AUDIT_OUTBOX_LIMIT = 256;

export function emptyAuditSection(): AuditSection {
  return {
    nextSequence: 0,
    headHash: ZERO_HASH_BASE64,
    sinceSigned: 0,
    signEvery: DEFAULT_AUDIT_SIGN_EVERY,
    outbox: [],
  };
}
