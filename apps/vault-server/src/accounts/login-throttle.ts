import { IndiciumError } from '@indicium/protocol';

/** How many failed logins a key may have within the window before it must wait. */
export interface ThrottlePolicy {
  readonly perAccount: number;
  readonly perIp: number;
  readonly windowMs: number;
  /** Bound on remembered keys, so a flood of random e-mails cannot exhaust memory. */
  readonly maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = Object.freeze({
  perAccount: 5,
  perIp: 20,
  windowMs: 15 * 60 * 1000,
  maxKeys: 50_000,
});

export interface LoginThrottle {
  /** Throws TOO_MANY_ATTEMPTS (details.retryAfterSeconds) when the account or the IP must wait. */
  check(account: string, ip: string): void;
  recordFailure(account: string, ip: string): void;
  /** A successful login clears the account's failures (not the IP's: one good password must not
   * reset a spray across many accounts from that address). */
  recordSuccess(account: string): void;
}

/**
 * Login throttling (DESIGN §6): a sliding window of failures per account and per client IP.
 * Checked *before* the password hash is computed, so a throttled caller costs no scrypt.
 * The counters live in this process: with several vault nodes (§10) each node throttles on its
 * own, which bounds guesses at nodes × limit per window.
 *
 * @example
 * const throttle = createLoginThrottle();
 * throttle.check(email, ip); // may throw TOO_MANY_ATTEMPTS
 */
export function createLoginThrottle(
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
  now: () => number = Date.now,
): LoginThrottle {
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const cutoff = now() - policy.windowMs;
    const kept = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  }

  function assertUnder(key: string, limit: number, field: string): void {
    const times = recent(key);
    const oldest = times[times.length - limit];
    if (times.length >= limit && oldest !== undefined) {
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + policy.windowMs - now()) / 1000));
      throw new IndiciumError('TOO_MANY_ATTEMPTS', { field, details: { retryAfterSeconds } });
    }
  }

  function add(key: string): void {
    const times = recent(key);
    times.push(now());
    // Re-insert so the map's order is least-recently-failed first (for the eviction below).
    failures.delete(key);
    failures.set(key, times.slice(-Math.max(policy.perAccount, policy.perIp)));
    if (failures.size > policy.maxKeys) {
      // Maps iterate in insertion order: drop the longest-quiet keys first.
      const excess = failures.size - policy.maxKeys;
      let dropped = 0;
      for (const stale of failures.keys()) {
        if (dropped++ >= excess) break;
        failures.delete(stale);
      }
    }
  }

  return {
    check(account, ip) {
      assertUnder(`a:${account}`, policy.perAccount, 'email');
      assertUnder(`i:${ip}`, policy.perIp, 'ip');
    },
    recordFailure(account, ip) {
      add(`a:${account}`);
      add(`i:${ip}`);
    },
    recordSuccess(account) {
      failures.delete(`a:${account}`);
    },
  };
}
