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
}

export const ZERO_HASH_BASE64 = Buffer.alloc(32).toString('base64');

export const DEFAULT_AUDIT_SIGN_EVERY = 16;

export function emptyAuditSection(): AuditSection {
  return { nextSequence: 0, headHash: ZERO_HASH_BASE64, sinceSigned: 0, signEvery: DEFAULT_AUDIT_SIGN_EVERY };
}
