import type { OfficerRole } from '@indicium/protocol';

/** A stored password: HMAC-SHA-256(salt, client hash); see `password-verifier.ts` for why. */
export interface PasswordVerifier {
  readonly salt: string;
  readonly verifier: string;
}

/**
 * One officer profile, DESIGN §3.2 and the seed's list: user id, role, password (salted),
 * logon failure count and limit, logon time-out, account expiration, password expiration,
 * password period, and recent passwords that may not be reused. Times are module-clock ms.
 */
export interface OfficerAccount {
  readonly userId: string;
  readonly role: OfficerRole;
  readonly password: PasswordVerifier;
  /** The last passwords before the current one, newest first (at most `historySize`). */
  readonly recentPasswords: readonly PasswordVerifier[];
  readonly failureCount: number;
  readonly failureLimit: number;
  /** Idle time after which a logged-on officer is logged off. */
  readonly logonTimeoutMs: number;
  readonly accountExpiresAt: number | null;
  readonly passwordExpiresAt: number;
  /** How long a new password stays valid. */
  readonly passwordLifetimeMs: number;
  /** Minimum age of a password before its owner may change it again. */
  readonly passwordPeriodMs: number;
  readonly passwordChangedAt: number;
  readonly lastAccessAt: number | null;
}

export interface AccessSection {
  /** Set by Initialize Access Control; it runs once per initialisation. */
  readonly initialized: boolean;
  readonly accounts: readonly OfficerAccount[];
  /** How many previous passwords an officer may not reuse. */
  readonly historySize: number;
}

export function emptyAccessSection(): AccessSection {
  return { initialized: false, accounts: [], historySize: 5 };
}
