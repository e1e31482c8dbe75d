import { fromBase64, IndiciumError, type NewOfficer, type OfficerProfilePatch } from '@indicium/protocol';
import type { AccessSection, OfficerAccount } from './access-section.js';
import { MINIMUM_OFFICERS, OFFICER_DEFAULTS } from './officer-policy.js';
import { makeVerifier, matchesVerifier } from './password-verifier.js';

/** Pure rules on the access-control database (DESIGN §3.2); handlers compose them. */

export function findAccount(section: AccessSection, userId: string): OfficerAccount | undefined {
  return section.accounts.find((a) => a.userId === userId);
}

export function replaceAccount(section: AccessSection, account: OfficerAccount): AccessSection {
  return { ...section, accounts: section.accounts.map((a) => (a.userId === account.userId ? account : a)) };
}

/** A new profile. `expired` makes the officer change the password at first logon. */
export function newAccount(officer: NewOfficer, now: number, expired: boolean): OfficerAccount {
  const d = OFFICER_DEFAULTS;
  const account = applyProfilePatch(
    {
      userId: officer.userId,
      role: officer.role,
      password: makeVerifier(fromBase64(officer.password)),
      recentPasswords: [],
      failureCount: 0,
      failureLimit: d.failureLimit,
      logonTimeoutMs: d.logonTimeoutMs,
      accountExpiresAt: d.accountExpiresAt,
      passwordExpiresAt: now,
      passwordLifetimeMs: d.passwordLifetimeMs,
      passwordPeriodMs: d.passwordPeriodMs,
      passwordChangedAt: now,
      lastAccessAt: null,
    },
    officer.profile ?? {},
  );
  return { ...account, passwordExpiresAt: expired ? now : now + account.passwordLifetimeMs };
}

export function applyProfilePatch(account: OfficerAccount, patch: OfficerProfilePatch): OfficerAccount {
  return {
    ...account,
    ...(patch.failureLimit === undefined ? {} : { failureLimit: patch.failureLimit }),
    ...(patch.logonTimeoutMs === undefined ? {} : { logonTimeoutMs: patch.logonTimeoutMs }),
    ...(patch.accountExpiresAt === undefined ? {} : { accountExpiresAt: patch.accountExpiresAt }),
    ...(patch.passwordLifetimeMs === undefined ? {} : { passwordLifetimeMs: patch.passwordLifetimeMs }),
    ...(patch.passwordPeriodMs === undefined ? {} : { passwordPeriodMs: patch.passwordPeriodMs }),
  };
}

/** The whole set still holds DESIGN §3.2's minimum (1 Administrator, 1 SO, 2 Key Custodians). */
export function meetsMinimum(accounts: readonly OfficerAccount[] | readonly NewOfficer[]): boolean {
  return (Object.keys(MINIMUM_OFFICERS) as (keyof typeof MINIMUM_OFFICERS)[]).every(
    (role) => accounts.filter((a) => a.role === role).length >= MINIMUM_OFFICERS[role],
  );
}

export function isLocked(account: OfficerAccount): boolean {
  return account.failureCount >= account.failureLimit;
}

/**
 * Sets a new password, refusing any of the current and the last `historySize` ones (PASSWORD_REUSED).
 * `expired` is for an administrator's reset: the officer must change it at next logon.
 */
export function withNewPassword(
  account: OfficerAccount,
  password: Uint8Array,
  now: number,
  historySize: number,
  options: { expired: boolean; field: string },
): OfficerAccount {
  const used = [account.password, ...account.recentPasswords];
  if (used.some((v) => matchesVerifier(password, v))) {
    throw new IndiciumError('PASSWORD_REUSED', { field: options.field });
  }
  return {
    ...account,
    password: makeVerifier(password),
    recentPasswords: [account.password, ...account.recentPasswords].slice(0, historySize),
    passwordChangedAt: now,
    passwordExpiresAt: options.expired ? now : now + account.passwordLifetimeMs,
  };
}
