import { describe, expect, it } from 'vitest';
import type { RegistrationTokenRecord } from '../store-records.js';
import { expectRefusal } from './expect-refusal.js';
import { meterId, packageWrite, sha256 } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

const T0 = 1_750_000_000_000;

const grant = (name: string, n = 1, createdAtMs = T0, lifetimeMs = 60_000): RegistrationTokenRecord => ({
  tokenHash: sha256(`token ${name}`),
  meterId: meterId(n),
  customerId: 'customer-1',
  userId: 'alice',
  mode: 'configure',
  createdAtMs,
  expiresAtMs: createdAtMs + lifetimeMs,
});

/** Registration token grants (DESIGN §4.2), shared by the nodes on one database (issue 8). */
export function describeRegistrationTokenContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: registration tokens`, () => {
    const ctx = useStore(makeHarness);

    it('issues a grant, finds it by hash and meter, and consumes it exactly once', async () => {
      const g = grant('a');
      expect(await ctx.store.registrationTokens.issue(g)).toEqual(g);
      expect(await ctx.store.registrationTokens.find(g.tokenHash, g.meterId, T0 + 1)).toEqual(g);
      expect(await ctx.store.registrationTokens.consume(g.tokenHash, g.meterId)).toBe(true);
      expect(await ctx.store.registrationTokens.find(g.tokenHash, g.meterId, T0 + 1)).toBeNull();
      expect(await ctx.store.registrationTokens.consume(g.tokenHash, g.meterId)).toBe(false);
      expect(await ctx.store.registrationTokens.find(sha256('never issued'), g.meterId, T0)).toBeNull();
    });

    it('a grant is for its meter only: another meter neither finds nor consumes it', async () => {
      const g = grant('a', 1);
      await ctx.store.registrationTokens.issue(g);
      expect(await ctx.store.registrationTokens.find(g.tokenHash, meterId(2), T0)).toBeNull();
      expect(await ctx.store.registrationTokens.consume(g.tokenHash, meterId(2))).toBe(false);
      expect(await ctx.store.registrationTokens.find(g.tokenHash, meterId(1), T0)).toEqual(g);
    });

    it('an expired grant is not found, and the next issue deletes it', async () => {
      const old = grant('old', 1, T0, 1_000);
      await ctx.store.registrationTokens.issue(old);
      expect(await ctx.store.registrationTokens.find(old.tokenHash, old.meterId, T0 + 999)).toEqual(old);
      expect(await ctx.store.registrationTokens.find(old.tokenHash, old.meterId, T0 + 1_000)).toBeNull();
      const live = grant('live', 1, T0, 5_000);
      await ctx.store.registrationTokens.issue(live);
      // Issued after `old` expired: the sweep removes it (found even at an earlier time only if kept).
      await ctx.store.registrationTokens.issue(grant('later', 2, T0 + 1_000));
      expect(await ctx.store.registrationTokens.find(old.tokenHash, old.meterId, T0)).toBeNull();
      expect(await ctx.store.registrationTokens.find(live.tokenHash, live.meterId, T0)).toEqual(live);
    });

    it('of two consumes at once only one succeeds', async () => {
      const g = grant('a');
      await ctx.store.registrationTokens.issue(g);
      const both = await Promise.all([
        ctx.store.registrationTokens.consume(g.tokenHash, g.meterId),
        ctx.store.registrationTokens.consume(g.tokenHash, g.meterId),
      ]);
      expect(both.filter(Boolean)).toHaveLength(1);
    });

    it('a unit consumes its token all or nothing: a second unit with it is ROLE_DENIED and writes nothing', async () => {
      const g = grant('a');
      await ctx.store.registrationTokens.issue(g);
      const spend = { tokenHash: g.tokenHash, meterId: g.meterId };
      const [first, second] = await Promise.allSettled([
        ctx.store.commit({ package: packageWrite(1, 1, null), consumedRegistrationToken: spend }),
        ctx.store.commit({ package: packageWrite(2, 1, null), consumedRegistrationToken: spend }),
      ]);
      expect(first.status).toBe('fulfilled');
      await expectRefusal(
        second.status === 'rejected' ? Promise.reject(second.reason) : Promise.resolve(),
        'ROLE_DENIED',
        'registrationToken',
      );
      expect(await ctx.store.packages.get(meterId(2))).toBeNull();
      expect(await ctx.store.registrationTokens.find(g.tokenHash, g.meterId, T0)).toBeNull();
      // A token of another meter does not serve this one's unit either.
      const other = grant('b', 2);
      await ctx.store.registrationTokens.issue(other);
      await expectRefusal(
        ctx.store.commit({
          package: packageWrite(1, 2, 1),
          consumedRegistrationToken: { tokenHash: other.tokenHash, meterId: meterId(1) },
        }),
        'ROLE_DENIED',
        'registrationToken',
      );
      expect((await ctx.store.packages.get(meterId(1)))?.version).toBe(1);
    });

    it('refuses a taken hash (DUPLICATE_RECORD) and a malformed grant (INVALID_FIELD)', async () => {
      await ctx.store.registrationTokens.issue(grant('a'));
      await expectRefusal(ctx.store.registrationTokens.issue(grant('a', 2)), 'DUPLICATE_RECORD', 'tokenHash');
      await expectRefusal(
        ctx.store.registrationTokens.issue({ ...grant('b'), tokenHash: new Uint8Array(16) }),
        'INVALID_FIELD',
        'grant.tokenHash',
      );
      await expectRefusal(
        ctx.store.registrationTokens.issue({ ...grant('c'), expiresAtMs: T0 }),
        'INVALID_FIELD',
        'grant.expiresAtMs',
      );
      await expectRefusal(
        ctx.store.registrationTokens.find(new Uint8Array(31), meterId(1), T0),
        'INVALID_FIELD',
        'tokenHash',
      );
    });
  });
}
