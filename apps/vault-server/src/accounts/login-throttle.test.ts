import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { type DialectHarness, useStoreDialects } from '../../test/support/store-dialects.js';
import type { Store } from '../store/store.js';
import { createLoginThrottle, DEFAULT_THROTTLE, loginKeyHash } from './login-throttle.js';

const policy = { perAccount: 3, perIp: 5, windowMs: 60_000 };

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

// On both stores (issue 8): the failures live in the database every vault node shares.
const dialects = useStoreDialects();

describe.each(dialects)('login throttle on $name', (dialect) => {
  let harness: DialectHarness;
  let store: Store;
  const extra: Store[] = [];
  beforeEach(async () => {
    harness = await dialect.harness();
    store = await harness.open();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((s) => s.close()));
    await store.close();
  });

  it('stops an account after its limit, says when to retry, and lets it go after the window', async () => {
    const c = clock();
    const throttle = createLoginThrottle(store, policy, c.now);
    for (let i = 0; i < 3; i++) {
      await throttle.check('a@example.com', '10.0.0.1');
      await throttle.recordFailure('a@example.com', '10.0.0.1');
      c.advance(1_000);
    }
    const error = await expectIndiciumRejection(() => throttle.check('a@example.com', '10.0.0.2'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'email',
    });
    // The first failure was 3 s ago: it leaves the 60 s window in 57 s.
    expect(error.details?.retryAfterSeconds).toBe(57);
    await throttle.check('b@example.com', '10.0.0.1');
    c.advance(57_000);
    await throttle.check('a@example.com', '10.0.0.1');
  });

  it('stops an address spraying many accounts', async () => {
    const throttle = createLoginThrottle(store, policy, clock().now);
    for (let i = 0; i < 5; i++) await throttle.recordFailure(`user${i}@example.com`, '10.0.0.9');
    await expectIndiciumRejection(() => throttle.check('fresh@example.com', '10.0.0.9'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'ip',
    });
    await throttle.check('fresh@example.com', '10.0.0.10');
  });

  it("clears an account's failures on success but not its address's", async () => {
    const throttle = createLoginThrottle(store, policy, clock().now);
    for (let i = 0; i < 3; i++) await throttle.recordFailure('a@example.com', '10.0.0.1');
    await throttle.recordSuccess('a@example.com');
    await throttle.check('a@example.com', '10.0.0.1');
    for (let i = 0; i < 2; i++) await throttle.recordFailure('z@example.com', '10.0.0.1');
    await expectIndiciumRejection(() => throttle.check('a@example.com', '10.0.0.1'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'ip',
    });
  });

  it('a flood of other keys evicts nothing: an account stays throttled', async () => {
    const throttle = createLoginThrottle(store, policy, clock().now);
    for (let i = 0; i < 3; i++) await throttle.recordFailure('old@example.com', `10.0.1.${i}`);
    for (let i = 0; i < 50; i++) await throttle.recordFailure(`spray${i}@example.com`, `10.0.2.${i}`);
    // No per-process memory to bound: the table is bounded by the window's sweep instead.
    await expectIndiciumRejection(() => throttle.check('old@example.com', '10.0.3.1'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'email',
    });
  });

  it('stores the SHA-256 of the e-mail and address, never the values', async () => {
    const throttle = createLoginThrottle(store, policy, clock().now);
    await throttle.recordFailure('Secret.Person@example.com', '203.0.113.7');
    const rows = await harness.query<{ kind: string; key_hash: Uint8Array }>(
      'SELECT kind, key_hash FROM login_failures ORDER BY kind',
    );
    expect(rows.map((r) => [r.kind, Buffer.from(r.key_hash).toString('hex')])).toEqual([
      ['account', Buffer.from(loginKeyHash('Secret.Person@example.com')).toString('hex')],
      ['ip', Buffer.from(loginKeyHash('203.0.113.7')).toString('hex')],
    ]);
    const dump = JSON.stringify(await harness.query('SELECT * FROM login_failures'));
    expect(dump).not.toContain('Secret.Person');
    expect(dump).not.toContain('203.0.113.7');
  });

  it('two nodes on one database share the counts, and a restart forgets none', async () => {
    const c = clock();
    const second = await harness.open();
    extra.push(second);
    const nodeA = createLoginThrottle(store, DEFAULT_THROTTLE, c.now);
    const nodeB = createLoginThrottle(second, DEFAULT_THROTTLE, c.now);
    // Five failures split across the nodes: each saw fewer than its limit, together they reach it.
    for (let i = 0; i < DEFAULT_THROTTLE.perAccount; i++) {
      const node = i % 2 === 0 ? nodeA : nodeB;
      await node.check('a@example.com', `10.0.0.${i}`);
      await node.recordFailure('a@example.com', `10.0.0.${i}`);
    }
    // The sixth attempt is refused on either node.
    for (const node of [nodeA, nodeB]) {
      await expectIndiciumRejection(() => node.check('a@example.com', '10.0.1.1'), {
        code: 'TOO_MANY_ATTEMPTS',
        field: 'email',
      });
    }
    // A success on one node clears the account on both.
    await nodeB.recordSuccess('a@example.com');
    await nodeA.check('a@example.com', '10.0.1.1');
    for (let i = 0; i < DEFAULT_THROTTLE.perAccount; i++) {
      await (i % 2 === 0 ? nodeA : nodeB).recordFailure('b@example.com', '10.0.2.1');
    }
    await store.close();
    store = await harness.open();
    const restarted = createLoginThrottle(store, DEFAULT_THROTTLE, c.now);
    await expectIndiciumRejection(() => restarted.check('b@example.com', '10.0.3.1'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'email',
    });
  });
});
