import { describe, expect, it } from 'vitest';
import { LOGIN_FAILURE_SWEEP_ROWS } from '../store-inputs.js';
import { expectRefusal } from './expect-refusal.js';
import { sha256 } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

const T0 = 1_750_000_000_000;
const WINDOW = 60_000;
const alice = sha256('alice@example.com');
const bob = sha256('bob@example.com');
const addr = sha256('10.0.0.1');

/** Failed logins (DESIGN §6), shared by the nodes on one database (issue 8). */
export function describeLoginFailureContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: login failures`, () => {
    const ctx = useStore(makeHarness);
    const record = (accountHash: Uint8Array, ipHash: Uint8Array, failedAtMs: number, windowMs = WINDOW) =>
      ctx.store.loginFailures.record({ accountHash, ipHash, failedAtMs, windowMs });
    const count = (kind: 'account' | 'ip', keyHash: Uint8Array, sinceMs: number, limit = 100) =>
      ctx.store.loginFailures.count({ kind, keyHash, sinceMs, limit });

    it('counts a key’s failures after a time, newest first up to the limit, with the oldest counted', async () => {
      for (let i = 0; i < 3; i++) await record(alice, addr, T0 + i * 1_000);
      expect(await count('account', alice, T0 - 1)).toEqual({ count: 3, oldestMs: T0 });
      expect(await count('ip', addr, T0 - 1)).toEqual({ count: 3, oldestMs: T0 });
      // The window is open at its start: a failure exactly at `sinceMs` no longer counts.
      expect(await count('account', alice, T0)).toEqual({ count: 2, oldestMs: T0 + 1_000 });
      // Only the `limit` newest: the oldest of those is when the key gets under its limit again.
      expect(await count('account', alice, T0 - 1, 2)).toEqual({ count: 2, oldestMs: T0 + 1_000 });
      expect(await count('account', bob, 0)).toEqual({ count: 0, oldestMs: null });
      // Kinds are apart: an account's hash is not an address's.
      expect(await count('ip', alice, 0)).toEqual({ count: 0, oldestMs: null });
      expect(await count('account', addr, 0)).toEqual({ count: 0, oldestMs: null });
    });

    it('records every failure of concurrent callers, and a restart forgets none', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => record(alice, addr, T0 + i)));
      expect(await count('account', alice, 0)).toEqual({ count: 10, oldestMs: T0 });
      await ctx.reopen();
      expect(await count('ip', addr, 0)).toEqual({ count: 10, oldestMs: T0 });
    });

    it("clearing an account deletes that account's failures only, never its address's", async () => {
      await record(alice, addr, T0);
      await record(alice, addr, T0 + 1);
      await record(bob, addr, T0 + 2);
      expect(await ctx.store.loginFailures.clearAccount(alice)).toBe(2);
      expect(await count('account', alice, 0)).toEqual({ count: 0, oldestMs: null });
      expect(await count('account', bob, 0)).toEqual({ count: 1, oldestMs: T0 + 2 });
      expect(await count('ip', addr, 0)).toEqual({ count: 3, oldestMs: T0 });
      // The address's hash as an account clears nothing of the address.
      expect(await ctx.store.loginFailures.clearAccount(addr)).toBe(0);
      expect(await count('ip', addr, 0)).toEqual({ count: 3, oldestMs: T0 });
    });

    it('a record sweeps rows out of its window, the oldest first, a bounded batch at a time', async () => {
      await record(bob, addr, T0 - WINDOW);
      await record(alice, addr, T0);
      // `bob`'s row is at the edge of the window of a failure at T0: swept, even counted from 0.
      expect(await count('account', bob, 0)).toEqual({ count: 0, oldestMs: null });
      expect(await count('ip', addr, 0)).toEqual({ count: 1, oldestMs: T0 });
      // A backlog larger than one batch: each failure left two rows.
      const failures = 40;
      for (let i = 1; i <= failures; i++) await record(alice, addr, T0 + i);
      expect(await count('account', alice, 0)).toEqual({ count: failures + 1, oldestMs: T0 });
      await record(bob, sha256('10.0.0.2'), T0 + 10 * WINDOW);
      const left = failures + 1 - LOGIN_FAILURE_SWEEP_ROWS / 2;
      expect(await count('account', alice, 0)).toEqual({ count: left, oldestMs: T0 + failures + 1 - left });
      expect(await count('ip', addr, 0)).toEqual({ count: left, oldestMs: T0 + failures + 1 - left });
      await record(bob, sha256('10.0.0.2'), T0 + 10 * WINDOW + 1);
      expect(await count('account', alice, 0)).toEqual({ count: 0, oldestMs: null });
      // The new failures were inside their window: kept.
      expect(await count('account', bob, 0)).toEqual({ count: 2, oldestMs: T0 + 10 * WINDOW });
    });

    it('takes hashes only (INVALID_FIELD for anything else) and refuses a malformed query', async () => {
      const clear = new TextEncoder().encode('alice@example.com');
      await expectRefusal(record(clear, addr, T0), 'INVALID_FIELD', 'failure.accountHash');
      await expectRefusal(record(alice, new Uint8Array(31), T0), 'INVALID_FIELD', 'failure.ipHash');
      await expectRefusal(record(alice, addr, T0, 0), 'INVALID_FIELD', 'failure.windowMs');
      await expectRefusal(count('account', clear, 0), 'INVALID_FIELD', 'query.keyHash');
      await expectRefusal(count('account', alice, 0, 0), 'INVALID_FIELD', 'query.limit');
      await expectRefusal(ctx.store.loginFailures.clearAccount(clear), 'INVALID_FIELD', 'accountHash');
      expect(await count('account', alice, 0)).toEqual({ count: 0, oldestMs: null });
    });
  });
}
