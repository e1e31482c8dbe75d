import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { createLogger } from '../ops/create-logger.js';
import type { Store } from '../store/store.js';
import { createSessionSweeper } from './session-sweeper.js';

// On both stores (issue 8): the sweep is a DELETE by expiry time, which each dialect runs itself.
const dialects = useStoreDialects();

describe.each(dialects)('session sweeper on $name', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await (await dialect.harness()).open();
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it('deletes expired sessions only', async () => {
    const account = await store.accounts.create({
      customerId: 'sweep-customer',
      displayName: 'Sweep',
      email: 'sweep@example.com',
      passwordHash: 'scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    const session = (byte: number, expiresAtMs: number) => ({
      idHash: new Uint8Array(32).fill(byte),
      customerId: account.customerId,
      csrfTokenHash: new Uint8Array(32).fill(byte),
      createdAtMs: 1_000,
      expiresAtMs,
    });
    await store.sessions.create(session(1, 5_000));
    await store.sessions.create(session(2, 50_000));
    const sweeper = createSessionSweeper({ store, log: createLogger('silent'), now: () => 10_000 });
    try {
      expect(await sweeper.sweep()).toBe(1);
      expect(await store.sessions.find(new Uint8Array(32).fill(2), 10_000)).not.toBeNull();
      expect(await store.sessions.find(new Uint8Array(32).fill(1), 0)).toBeNull();
      expect(await sweeper.sweep()).toBe(0);
    } finally {
      sweeper.stop();
    }
  });
});
