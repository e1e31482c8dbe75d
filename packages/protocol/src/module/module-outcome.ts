import type { AuditEntry } from './audit-entry.js';
import type { ModuleFailure, SealedMessage } from './module-envelope.js';

/**
 * What `dispatch()` returns: always data, never a thrown error, so it crosses a worker boundary
 * as is. A refusal (`ok: false` without `audit`) changed nothing. A committed failure (e.g. a
 * wrong logon password, which counts a failure) carries the audit entry it made. Inside a session
 * the result travels in `sealed` (MACed, optionally encrypted) instead of `result`.
 */
export type ModuleOutcome =
  | {
      readonly ok: true;
      readonly result?: unknown;
      readonly sealed?: SealedMessage;
      readonly audit?: AuditEntry;
    }
  | { readonly ok: false; readonly error: ModuleFailure; readonly audit?: AuditEntry };
