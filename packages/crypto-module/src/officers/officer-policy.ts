/**
 * Defaults of an officer profile (DESIGN §3.2), used when Initialize Access Control or Create
 * Account does not set a field. Conservative HSM-style values.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;

export const OFFICER_DEFAULTS = Object.freeze({
  failureLimit: 3,
  logonTimeoutMs: 15 * MINUTE,
  /** Accounts do not expire unless an administrator says so. */
  accountExpiresAt: null as number | null,
  passwordLifetimeMs: 90 * DAY,
  /** Minimum age before a password may be changed again (stops cycling through the history). */
  passwordPeriodMs: 1 * DAY,
});

/** Minimum set DESIGN §3.2 requires: who may never be missing from the access-control database. */
export const MINIMUM_OFFICERS = Object.freeze({
  administrator: 1,
  'security-officer': 1,
  'key-custodian': 2,
  auditor: 0,
});
