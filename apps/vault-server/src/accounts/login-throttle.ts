import { createHash } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { Store } from '../store/store.js';
import type { LoginFailureKind } from '../store/store-records.js';

/** How many failed logins a key may have within the window before it must wait. */
export interface ThrottlePolicy {
  readonly perAccount: number;
  readonly perIp: number;
  readonly windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = Object.freeze({
  perAccount: 5,
  perIp: 20,
  windowMs: 15 * 60 * 1000,
});

/** The slice of the store the throttle uses: failed logins, shared by every node (issue 8). */
export type LoginFailuresStore = Pick<Store, 'loginFailures'>;

export interface LoginThrottle {
  /** Rejects with TOO_MANY_ATTEMPTS (details.retryAfterSeconds) when the account or the IP must wait. */
  check(account: string, ip: string): Promise<void>;
  /** Resolves once the failure is durably recorded: answer the refusal only then. */
  recordFailure(account: string, ip: string): Promise<void>;
  /** A successful login clears the account's failures (not the IP's: one good password must not
   * reset a spray across many accounts from that address). */
  recordSuccess(account: string): Promise<void>;
}

/**
 * The throttle's key for an e-mail or client address: its SHA-256, so the shared table is not a
 * list of who tried to log in, nor from where.
 */
export function loginKeyHash(value: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(value, 'utf8').digest());
}

/**
 * Login throttling (DESIGN §6): a sliding window of failures per account and per client IP.
 * Checked *before* the password hash is computed, so a throttled caller costs no scrypt.
 * The failures live in the store (`login_failures`, migration 5), so every vault node on the
 * database (§10, issue 8) counts the same guesses, and a restart forgets none: N nodes give an
 * attacker no more than one node does.
 *
 * @example
 * const throttle = createLoginThrottle(store);
 * await throttle.check(email, ip); // may reject with TOO_MANY_ATTEMPTS
 */
export function createLoginThrottle(
  store: LoginFailuresStore,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
  now: () => number = Date.now,
): LoginThrottle {
  /** Throws if `keyHash` has `limit` failures in the window, with the time the oldest of them leaves it. */
  async function assertUnder(
    kind: LoginFailureKind,
    keyHash: Uint8Array,
    limit: number,
    field: string,
    at: number,
  ): Promise<void> {
    // Only the `limit` newest failures matter: when the oldest of those leaves the window, the key
    // is under its limit again.
    const { count, oldestMs } = await store.loginFailures.count({
      kind,
      keyHash,
      sinceMs: Math.max(0, at - policy.windowMs),
      limit,
    });
    if (count >= limit && oldestMs !== null) {
      const retryAfterSeconds = Math.max(1, Math.ceil((oldestMs + policy.windowMs - at) / 1000));
      throw new IndiciumError('TOO_MANY_ATTEMPTS', { field, details: { retryAfterSeconds } });
    }
  }

  return {
    async check(account, ip) {
      const at = now();
      await assertUnder('account', loginKeyHash(account), policy.perAccount, 'email', at);
      await assertUnder('ip', loginKeyHash(ip), policy.perIp, 'ip', at);
    },
    async recordFailure(account, ip) {
      await store.loginFailures.record({
        accountHash: loginKeyHash(account),
        ipHash: loginKeyHash(ip),
        failedAtMs: now(),
        windowMs: policy.windowMs,
      });
    },
    async recordSuccess(account) {
      await store.loginFailures.clearAccount(loginKeyHash(account));
    },
  };
}
