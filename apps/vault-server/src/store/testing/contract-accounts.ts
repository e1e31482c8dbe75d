import { describe, expect, it } from 'vitest';
import { expectRefusal } from './expect-refusal.js';
import { meterId, sha256 } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

const HASH = 'scrypt$N=32768,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';

/** Customers, web accounts, sessions, licences and the funds ledger (DESIGN §6). */
export function describeAccountContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: accounts and funds`, () => {
    const ctx = useStore(makeHarness);

    const signUp = (customerId: string, email: string) =>
      ctx.store.accounts.create({ customerId, displayName: 'Ada Lovelace', email, passwordHash: HASH });

    it('creates a customer with its account and finds it by e-mail, whatever the case', async () => {
      const account = await signUp('customer-1', 'Ada@Example.com');
      expect(account).toMatchObject({
        customerId: 'customer-1',
        email: 'Ada@Example.com',
        passwordHash: HASH,
      });
      expect(await ctx.store.accounts.findByEmail('ada@example.COM')).toEqual(account);
      expect(await ctx.store.accounts.getByCustomer('customer-1')).toEqual(account);
      expect(await ctx.store.customers.get('customer-1')).toMatchObject({ displayName: 'Ada Lovelace' });
      expect(await ctx.store.accounts.findByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses a taken e-mail (ACCOUNT_EXISTS) and stores nothing of the second sign-up', async () => {
      await signUp('customer-1', 'ada@example.com');
      await expectRefusal(signUp('customer-2', 'ADA@example.com'), 'ACCOUNT_EXISTS', 'email');
      expect(await ctx.store.customers.get('customer-2')).toBeNull();
      await expectRefusal(signUp('customer-1', 'other@example.com'), 'DUPLICATE_RECORD', 'customerId');
      await expectRefusal(signUp('customer-3', 'not an e-mail'), 'INVALID_FIELD', 'account.email');
    });

    it('finds a session by its id hash until it expires, and deletes it', async () => {
      await signUp('customer-1', 'ada@example.com');
      const session = {
        idHash: sha256('session-1'),
        customerId: 'customer-1',
        csrfTokenHash: sha256('csrf-1'),
        createdAtMs: 1_000,
        expiresAtMs: 2_000,
      };
      expect(await ctx.store.sessions.create(session)).toEqual(session);
      expect(await ctx.store.sessions.find(session.idHash, 1_999)).toEqual(session);
      expect(await ctx.store.sessions.find(session.idHash, 2_000)).toBeNull();
      expect(await ctx.store.sessions.find(sha256('session-2'), 1_000)).toBeNull();
      await expectRefusal(ctx.store.sessions.create(session), 'DUPLICATE_RECORD', 'idHash');
      await ctx.store.sessions.delete(session.idHash);
      expect(await ctx.store.sessions.find(session.idHash, 1_500)).toBeNull();
    });

    it('deletes expired sessions only', async () => {
      await signUp('customer-1', 'ada@example.com');
      for (const [i, expiresAtMs] of [5_000, 6_000, 9_000].entries()) {
        await ctx.store.sessions.create({
          idHash: sha256(`s${i}`),
          customerId: 'customer-1',
          csrfTokenHash: sha256(`c${i}`),
          createdAtMs: 1_000,
          expiresAtMs,
        });
      }
      expect(await ctx.store.sessions.deleteExpired(6_000)).toBe(2);
      expect(await ctx.store.sessions.find(sha256('s2'), 6_000)).not.toBeNull();
    });

    it('refuses a session for a customer it does not hold', async () => {
      await expectRefusal(
        ctx.store.sessions.create({
          idHash: sha256('s'),
          customerId: 'ghost',
          csrfTokenHash: sha256('c'),
          createdAtMs: 1,
          expiresAtMs: 2,
        }),
        'INVALID_FIELD',
      );
    });

    it('moves a licence through its statuses, refusing a decision on a licence no longer in that status', async () => {
      await signUp('customer-1', 'ada@example.com');
      const created = await ctx.store.licences.create({
        licenceId: 'licence-0001',
        customerId: 'customer-1',
        licensingZip: '02134',
      });
      expect(created).toMatchObject({ status: 'requested', meterId: null, licensingZip: '02134' });
      const decisions = await Promise.allSettled([
        ctx.store.licences.transition('licence-0001', {
          from: 'requested',
          to: 'approved',
          meterId: meterId(1),
        }),
        ctx.store.licences.transition('licence-0001', { from: 'requested', to: 'rejected' }),
      ]);
      expect(decisions.filter((d) => d.status === 'fulfilled')).toHaveLength(1);
      expect(decisions.find((d) => d.status === 'rejected')).toMatchObject({
        reason: { code: 'WRONG_STATE' },
      });
      const now = await ctx.store.licences.get('licence-0001');
      expect(['approved', 'rejected']).toContain(now?.status);
      expect(now?.meterId).toBe(now?.status === 'approved' ? meterId(1) : null);
      await expectRefusal(
        ctx.store.licences.transition('licence-0001', {
          from: 'requested',
          to: 'approved',
          meterId: 'meter-1',
        }),
        'INVALID_FIELD',
        'change.meterId',
      );
      await expectRefusal(
        ctx.store.licences.transition('licence-9999', { from: 'requested', to: 'approved' }),
        'NOT_FOUND',
        'licenceId',
      );
      expect(await ctx.store.licences.listByCustomer('customer-1')).toHaveLength(1);
      await expectRefusal(
        ctx.store.licences.create({
          licenceId: 'licence-0002',
          customerId: 'customer-1',
          licensingZip: '2134',
        }),
        'INVALID_FIELD',
        'licence.licensingZip',
      );
    });

    it('appends to the funds ledger once per idempotency key', async () => {
      await signUp('customer-1', 'ada@example.com');
      const deposit = {
        customerId: 'customer-1',
        idempotencyKey: 'deposit-0001',
        kind: 'deposit' as const,
        meterId: null,
        amountMills: 20_000,
      };
      const first = await ctx.store.ledger.append(deposit);
      expect(first).toMatchObject({ created: true, entry: deposit });
      const retry = await ctx.store.ledger.append(deposit);
      expect(retry).toEqual({ created: false, entry: first.entry });
      await expectRefusal(
        ctx.store.ledger.append({ ...deposit, amountMills: 1 }),
        'DUPLICATE_RECORD',
        'idempotencyKey',
      );
      await ctx.store.ledger.append({
        ...deposit,
        idempotencyKey: 'refund-0001',
        kind: 'refund',
        amountMills: 300,
      });
      expect(await ctx.store.ledger.listByCustomer('customer-1')).toHaveLength(2);
      expect(await ctx.store.ledger.totals('customer-1')).toEqual({
        deposit: 20_000,
        download: 0,
        refund: 300,
      });
      expect(await ctx.store.ledger.totals('customer-2')).toEqual({ deposit: 0, download: 0, refund: 0 });
      await expectRefusal(
        ctx.store.ledger.append({ ...deposit, amountMills: 0 }),
        'INVALID_FIELD',
        'entry.amountMills',
      );
    });
  });
}
