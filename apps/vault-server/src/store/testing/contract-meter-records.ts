import { describe, expect, it } from 'vitest';
import type { CommitUnit } from '../commit-unit.js';
import { expectRefusal } from './expect-refusal.js';
import { auditEntry, indiciumUnit, meterId, packageWrite, sha256 } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

const PEM = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(64)}\n-----END CERTIFICATE-----\n`;

function providerUnit(n: number, version: number, nonce: string): CommitUnit {
  return {
    package: packageWrite(n, version, version - 1),
    providerMessage: {
      nonce: sha256(nonce).slice(0, 16),
      meterId: meterId(n),
      kind: 'value-download',
      payload: new TextEncoder().encode(`{"nonce":"${nonce}"}`),
      signature: new Uint8Array(64).fill(7),
    },
    ledgerEntries: [
      {
        customerId: 'customer-1',
        idempotencyKey: `purchase-${nonce}`,
        kind: 'download',
        meterId: meterId(n),
        amountMills: 5000,
      },
    ],
  };
}

/** Audit entries, the module table, provider messages, certificates, meter users, stock, history. */
export function describeMeterRecordsContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: meter records`, () => {
    const ctx = useStore(makeHarness);

    it('stores an identical audit entry once, and refuses a different entry at a taken sequence', async () => {
      await ctx.store.commit({
        auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 0, 'start-initialization') }],
      });
      await ctx.store.commit({
        auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 0, 'start-initialization') }],
      });
      await expectRefusal(
        ctx.store.commit({ auditEntries: [{ moduleId: 'm1', entry: auditEntry('m1', 0, 'reset') }] }),
        'DUPLICATE_RECORD',
        'auditEntries.sequence',
      );
      const entries = await ctx.store.audit.listByModule('m1', { fromSequence: 0, limit: 10 });
      expect(entries.map((e) => e.entry.command)).toEqual(['start-initialization']);
    });

    it('lists audit entries per module in sequence order, paged, and names the modules', async () => {
      const entries = [3, 1, 2, 0].map((seq) => ({ moduleId: 'm1', entry: auditEntry('m1', seq) }));
      await ctx.store.commit({ auditEntries: entries });
      await ctx.store.commit({ auditEntries: [{ moduleId: 'm2', entry: auditEntry('m2', 0) }] });
      const page = await ctx.store.audit.listByModule('m1', { fromSequence: 1, limit: 2 });
      expect(page.map((r) => r.sequence)).toEqual([1, 2]);
      expect(page[0]?.entry).toEqual(auditEntry('m1', 1));
      expect((await ctx.store.audit.latest('m1'))?.sequence).toBe(3);
      expect(await ctx.store.audit.latest('m9')).toBeNull();
      expect(await ctx.store.audit.moduleIds()).toEqual(['m1', 'm2']);
    });

    it('keeps the module table: status, inhibited flag and the latest checkpoint', async () => {
      expect(
        await ctx.store.modules.setStatus('m1', { status: 'out-of-service', inhibited: false }),
      ).toMatchObject({
        moduleId: 'm1',
        checkpoint: null,
        status: 'out-of-service',
      });
      await ctx.store.commit({ checkpoint: { moduleId: 'm1', checkpoint: sha256('c1') } });
      await ctx.store.commit({ checkpoint: { moduleId: 'm1', checkpoint: sha256('c2') } });
      const inhibited = await ctx.store.modules.setStatus('m1', { status: 'in-service', inhibited: true });
      expect(inhibited).toMatchObject({ status: 'in-service', inhibited: true, checkpoint: sha256('c2') });
      await ctx.store.commit({ checkpoint: { moduleId: 'm0', checkpoint: sha256('c0') } });
      expect((await ctx.store.modules.list()).map((m) => [m.moduleId, m.status, m.inhibited])).toEqual([
        ['m0', 'in-service', false],
        ['m1', 'in-service', true],
      ]);
      await expectRefusal(
        ctx.store.modules.setStatus('m1', { status: 'asleep' as never, inhibited: false }),
        'INVALID_FIELD',
        'change.status',
      );
    });

    it('a checkpoint write naming the record it replaces stands only on that row: a unit queued behind a failed one of the same module fails with it', async () => {
      await ctx.store.customers.create({ customerId: 'customer-1', displayName: 'Ada' });
      await ctx.store.commit({ package: packageWrite(1, 1, null) });
      await ctx.store.commit({ package: packageWrite(2, 1, null) });
      await ctx.store.commit({ checkpoint: { moduleId: 'm1', checkpoint: sha256('c0') } });
      // Pipelined in order, one batch: c0 → c1 → c2, each naming the one before it.
      const step = (n: number, from: string, to: string, version: number): CommitUnit => ({
        package: packageWrite(n, version, version - 1),
        checkpoint: { moduleId: 'm1', checkpoint: sha256(to), replaces: sha256(from) },
      });
      await Promise.all([ctx.store.commit(step(1, 'c0', 'c1', 2)), ctx.store.commit(step(2, 'c1', 'c2', 2))]);
      expect((await ctx.store.modules.get('m1'))?.checkpoint).toEqual(sha256('c2'));

      // The first unit fails on its own data (a stale package); the one queued behind it, whose
      // record follows the failed one's, fails too and writes nothing — its package stays at 2.
      const [first, second] = await Promise.allSettled([
        ctx.store.commit(step(1, 'c2', 'c3', 2)),
        ctx.store.commit(step(2, 'c3', 'c4', 3)),
      ]);
      expect(first.status).toBe('rejected');
      expect(second.status).toBe('rejected');
      const refusal = (second as PromiseRejectedResult).reason as { code?: string; field?: string };
      expect(refusal).toMatchObject({ code: 'VAULT_UNAVAILABLE', field: 'checkpoint' });
      expect((await ctx.store.modules.get('m1'))?.checkpoint).toEqual(sha256('c2'));
      expect((await ctx.store.packages.get(meterId(2)))?.version).toBe(2);

      // A write naming a record the row does not hold is refused alone; an unconditional one (an
      // officer's, MeterGen's first) still lands.
      await expectRefusal(
        ctx.store.commit({ checkpoint: { moduleId: 'm1', checkpoint: sha256('x'), replaces: sha256('c1') } }),
        'VAULT_UNAVAILABLE',
        'checkpoint',
      );
      await ctx.store.commit({ checkpoint: { moduleId: 'm1', checkpoint: sha256('c5') } });
      expect((await ctx.store.modules.get('m1'))?.checkpoint).toEqual(sha256('c5'));
    });

    it('stores a provider message once: a replayed nonce is refused and its unit writes nothing', async () => {
      await ctx.store.customers.create({ customerId: 'customer-1', displayName: 'Ada' });
      await ctx.store.commit({ package: packageWrite(1, 1, null) });
      await ctx.store.commit(providerUnit(1, 2, 'n1'));
      const stored = await ctx.store.providerMessages.findByNonce(sha256('n1').slice(0, 16));
      expect(stored).toMatchObject({ meterId: meterId(1), kind: 'value-download' });
      expect(stored?.signature).toEqual(new Uint8Array(64).fill(7));

      const replay = { ...providerUnit(1, 3, 'n1'), ledgerEntries: [] };
      await expectRefusal(ctx.store.commit(replay), 'DUPLICATE_RECORD', 'nonce');
      expect((await ctx.store.packages.get(meterId(1)))?.version).toBe(2);
      expect(await ctx.store.providerMessages.listByMeter(meterId(1))).toHaveLength(1);
      expect(await ctx.store.ledger.totals('customer-1')).toEqual({ deposit: 0, download: 5000, refund: 0 });
    });

    it('rolls back the ledger entry of a unit whose package is stale', async () => {
      await ctx.store.customers.create({ customerId: 'customer-1', displayName: 'Ada' });
      await ctx.store.commit({ package: packageWrite(1, 1, null) });
      await expectRefusal(ctx.store.commit(providerUnit(1, 3, 'n2')), 'STALE_PACKAGE');
      expect(await ctx.store.ledger.listByCustomer('customer-1')).toEqual([]);
      expect(await ctx.store.providerMessages.findByNonce(sha256('n2').slice(0, 16))).toBeNull();
    });

    it('keeps meter certificates by serial and refuses a serial twice', async () => {
      await ctx.store.commit({
        package: packageWrite(1, 1, null),
        certificate: { serial: 1001, meterId: meterId(1), pem: PEM },
      });
      expect(await ctx.store.certificates.get(1001)).toMatchObject({
        serial: 1001,
        meterId: meterId(1),
        pem: PEM,
      });
      expect(await ctx.store.certificates.get(1002)).toBeNull();
      await ctx.store.commit({ package: packageWrite(2, 1, null) });
      await expectRefusal(
        ctx.store.commit({ certificate: { serial: 1001, meterId: meterId(2), pem: PEM } }),
        'DUPLICATE_RECORD',
        'serial',
      );
      await expectRefusal(
        ctx.store.commit({ certificate: { serial: 2 ** 32, meterId: meterId(2), pem: PEM } }),
        'INVALID_FIELD',
        'unit.certificate.serial',
      );
      expect(await ctx.store.certificates.listByMeter(meterId(2))).toEqual([]);
    });

    it('adds, changes and removes meter users', async () => {
      await ctx.store.commit({
        package: packageWrite(1, 1, null),
        meterUsers: [
          { meterId: meterId(1), userId: 'alice', role: 'customer-administrator', customerId: 'customer-1' },
          { meterId: meterId(1), userId: 'bob', role: 'user', customerId: 'customer-1' },
        ],
      });
      await ctx.store.commit({
        package: packageWrite(1, 2, 1),
        meterUsers: [
          { meterId: meterId(1), userId: 'bob', role: 'customer-administrator', customerId: 'customer-1' },
        ],
        removedMeterUsers: [{ meterId: meterId(1), userId: 'alice' }],
      });
      expect(await ctx.store.meterUsers.listByMeter(meterId(1))).toEqual([
        { meterId: meterId(1), userId: 'bob', role: 'customer-administrator', customerId: 'customer-1' },
      ]);
      expect(await ctx.store.meterUsers.get(meterId(1), 'alice')).toBeNull();
      expect(await ctx.store.meterUsers.listByCustomer('customer-1')).toHaveLength(1);
    });

    it('queues fresh meters and hands each to one customer, oldest first', async () => {
      for (const n of [1, 2, 3]) {
        await ctx.store.commit({
          package: packageWrite(n, 1, null),
          stock: { meterId: meterId(n), certificateSerial: 100 + n },
        });
      }
      expect(await ctx.store.meterStock.available()).toBe(3);
      const claims = await Promise.all([
        ctx.store.meterStock.claim('customer-a'),
        ctx.store.meterStock.claim('customer-b'),
      ]);
      expect(claims.map((c) => c?.meterId).sort()).toEqual([meterId(1), meterId(2)]);
      expect(await ctx.store.meterStock.available()).toBe(1);
      expect(await ctx.store.meterStock.get(meterId(1))).toMatchObject({
        claimedBy: expect.stringMatching(/^customer-/),
      });
      expect(await ctx.store.meterStock.claim('customer-c')).toMatchObject({
        meterId: meterId(3),
        certificateSerial: 103,
      });
      expect(await ctx.store.meterStock.claim('customer-d')).toBeNull();
      await expectRefusal(
        ctx.store.commit({ stock: { meterId: meterId(1), certificateSerial: 999 } }),
        'DUPLICATE_RECORD',
        'meterId',
      );
    });

    it("pages a meter's history newest first without repeating or skipping an item", async () => {
      await ctx.store.commit({ package: packageWrite(1, 1, null) });
      for (let v = 2; v <= 6; v++) await ctx.store.commit(indiciumUnit(1, v, `indicium-000${v}`, 'm1', v));
      const seen: string[] = [];
      let page = await ctx.store.indicia.listByMeter(meterId(1), { limit: 2 });
      seen.push(...page.items.map((i) => i.indiciumId));
      while (page.nextCursor !== null) {
        page = await ctx.store.indicia.listByMeter(meterId(1), { limit: 2, before: page.nextCursor });
        seen.push(...page.items.map((i) => i.indiciumId));
      }
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
      const all = await ctx.store.indicia.listByMeter(meterId(1), { limit: 100 });
      expect(all.nextCursor).toBeNull();
      expect(all.items.map((i) => i.indiciumId)).toEqual(seen);
      const times = all.items.map((i) => i.createdAtMs);
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect((await ctx.store.indicia.listByMeter(meterId(2), { limit: 5 })).items).toEqual([]);
      await expectRefusal(
        ctx.store.indicia.listByMeter(meterId(1), { limit: 0 }),
        'INVALID_FIELD',
        'page.limit',
      );
    });
  });
}
