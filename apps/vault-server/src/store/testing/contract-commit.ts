import { describe, expect, it } from 'vitest';
import { expectRefusal } from './expect-refusal.js';
import { auditEntry, indiciumUnit, indiciumWrite, meterId, packageWrite, sha256 } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

const MODULE = 'module-0001';

/** Units of work: atomicity, the lost-update check, idempotency (DESIGN §4.3, §10). */
export function describeCommitContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: commit units`, () => {
    const ctx = useStore(makeHarness);

    /** Meter n with its first package (version 1), as Initialize PSD leaves it. */
    async function createMeter(n: number): Promise<void> {
      await ctx.store.commit({ package: packageWrite(n, 1, null) });
    }

    it('writes package, checkpoint, audit entry and indicium together, and reads them back', async () => {
      await createMeter(1);
      const unit = indiciumUnit(1, 2, 'indicium-0001', MODULE, 1);
      const receipt = await ctx.store.commit(unit);
      expect(receipt.batchUnits).toBeGreaterThanOrEqual(1);
      expect(receipt.batch).toBeGreaterThanOrEqual(1);

      const pkg = await ctx.store.packages.get(meterId(1));
      expect(pkg).toMatchObject({
        meterId: meterId(1),
        version: 2,
        state: 'leased',
        customerId: 'customer-1',
      });
      expect(pkg?.bytes).toEqual(unit.package?.bytes);
      expect(Object.getPrototypeOf(pkg?.bytes)).toBe(Uint8Array.prototype);

      const module = await ctx.store.modules.get(MODULE);
      expect(module).toMatchObject({ moduleId: MODULE, status: 'in-service', inhibited: false });
      expect(module?.checkpoint).toEqual(unit.checkpoint?.checkpoint);

      expect(await ctx.store.audit.latest(MODULE)).toMatchObject({
        sequence: 1,
        entry: auditEntry(MODULE, 1),
      });

      const stored = await ctx.store.findIndiciumByRequestMac(sha256('request indicium-0001'));
      expect(stored).toMatchObject({ indiciumId: 'indicium-0001', meterId: meterId(1), kind: 'postage' });
      expect(stored?.answer).toEqual(unit.indicium?.answer);
      expect(stored?.indicium).toEqual(unit.indicium?.indicium);
      expect(await ctx.store.indicia.get('indicium-0001')).toEqual(stored);
    });

    it('returns null for a request MAC it never stored, and refuses a MAC of the wrong size', async () => {
      expect(await ctx.store.findIndiciumByRequestMac(sha256('never sent'))).toBeNull();
      await expectRefusal(
        ctx.store.findIndiciumByRequestMac(new Uint8Array(31)),
        'INVALID_FIELD',
        'requestMac',
      );
    });

    it('refuses to create a package twice (STALE_PACKAGE): a create never overwrites', async () => {
      await createMeter(1);
      const refusal = await expectRefusal(
        ctx.store.commit({ package: { ...packageWrite(1, 5, null), bytes: sha256('other') } }),
        'STALE_PACKAGE',
        'package.replacesVersion',
      );
      expect(refusal.details).toMatchObject({ meterId: meterId(1), storedVersion: 1 });
      expect((await ctx.store.packages.get(meterId(1)))?.version).toBe(1);
    });

    it('refuses an update naming a version that is not the stored one, and writes nothing of that unit', async () => {
      await createMeter(1);
      await ctx.store.commit(indiciumUnit(1, 2, 'indicium-0001', MODULE, 1));
      const before = await ctx.store.modules.get(MODULE);
      // A replayed (older) package: it names version 1, the database holds version 2.
      const stale = indiciumUnit(1, 2, 'indicium-0002', MODULE, 2);
      const refusal = await expectRefusal(
        ctx.store.commit(stale),
        'STALE_PACKAGE',
        'package.replacesVersion',
      );
      expect(refusal.details).toMatchObject({ replacesVersion: 1, storedVersion: 2 });
      expect(await ctx.store.indicia.get('indicium-0002')).toBeNull();
      expect(await ctx.store.audit.latest(MODULE)).toMatchObject({ sequence: 1 });
      expect(await ctx.store.modules.get(MODULE)).toEqual(before);
      expect((await ctx.store.packages.get(meterId(1)))?.bytes).toEqual(packageWrite(1, 2, 1).bytes);
    });

    it('lists every package in meter-id order, one bounded page after a cursor', async () => {
      for (const n of [3, 1, 12, 2]) await createMeter(n);
      await ctx.store.commit({ package: packageWrite(2, 2, 1) });
      const first = await ctx.store.packages.list({ limit: 3 });
      expect(first.map((p) => p.meterId)).toEqual([meterId(1), meterId(2), meterId(3)]);
      expect(first[1]).toMatchObject({ version: 2, state: 'leased', customerId: 'customer-1' });
      expect(first[1]?.bytes).toEqual(packageWrite(2, 2, 1).bytes);
      const rest = await ctx.store.packages.list({ limit: 3, after: meterId(3) });
      expect(rest.map((p) => p.meterId)).toEqual([meterId(12)]);
      expect(await ctx.store.packages.list({ limit: 3, after: meterId(12) })).toEqual([]);
      await expectRefusal(ctx.store.packages.list({ limit: 0 }), 'INVALID_FIELD', 'page.limit');
      await expectRefusal(
        ctx.store.packages.list({ limit: 5, after: '../x' }),
        'INVALID_FIELD',
        'page.after',
      );
    });

    it('refuses an update of a meter that has no package', async () => {
      const refusal = await expectRefusal(
        ctx.store.commit({ package: packageWrite(9, 2, 1) }),
        'STALE_PACKAGE',
        'package.replacesVersion',
      );
      expect(refusal.details).toMatchObject({ storedVersion: null });
      expect(await ctx.store.packages.get(meterId(9))).toBeNull();
    });

    it('lets exactly one of two concurrent updates of one meter win', async () => {
      await createMeter(1);
      const a = indiciumUnit(1, 2, 'indicium-000a', MODULE, 1);
      const b = { ...indiciumUnit(1, 2, 'indicium-000b', 'module-0002', 1) };
      const results = await Promise.allSettled([ctx.store.commit(a), ctx.store.commit(b)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.status === 'rejected' && lost[0].reason).toMatchObject({ code: 'STALE_PACKAGE' });
      const winner = results[0]?.status === 'fulfilled' ? 'indicium-000a' : 'indicium-000b';
      const loser = winner === 'indicium-000a' ? 'indicium-000b' : 'indicium-000a';
      expect(await ctx.store.indicia.get(winner)).not.toBeNull();
      expect(await ctx.store.indicia.get(loser)).toBeNull();
      expect((await ctx.store.packages.get(meterId(1)))?.version).toBe(2);
    });

    it('fails a bad unit alone: the other units committed with it stand', async () => {
      for (let n = 1; n <= 8; n++) await createMeter(n);
      const units = Array.from({ length: 8 }, (_, i) =>
        indiciumUnit(i + 1, 2, `indicium-100${i}`, `module-${i}`, 1),
      );
      const stale = { ...indiciumUnit(3, 7, 'indicium-bad0', 'module-x', 1) };
      const results = await Promise.allSettled([...units, stale].map((u) => ctx.store.commit(u)));
      expect(results.slice(0, 8).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(results[8]).toMatchObject({ status: 'rejected', reason: { code: 'STALE_PACKAGE' } });
      for (let i = 0; i < 8; i++) expect(await ctx.store.indicia.get(`indicium-100${i}`)).not.toBeNull();
      expect(await ctx.store.indicia.get('indicium-bad0')).toBeNull();
      expect(await ctx.store.modules.get('module-x')).toBeNull();
    });

    it('refuses a second indicium with the same request MAC (DUPLICATE_RECORD) and keeps the first', async () => {
      await createMeter(1);
      await ctx.store.commit(indiciumUnit(1, 2, 'indicium-0001', MODULE, 1));
      const replay = indiciumUnit(1, 3, 'indicium-0002', MODULE, 2);
      const sameMac = {
        ...replay,
        indicium: { ...indiciumWrite(1, 'indicium-0002'), requestMac: sha256('request indicium-0001') },
      };
      await expectRefusal(ctx.store.commit(sameMac), 'DUPLICATE_RECORD', 'requestMac');
      expect((await ctx.store.packages.get(meterId(1)))?.version).toBe(2);
      expect(await ctx.store.indicia.get('indicium-0002')).toBeNull();
      expect((await ctx.store.findIndiciumByRequestMac(sha256('request indicium-0001')))?.indiciumId).toBe(
        'indicium-0001',
      );
    });

    it('keeps a private copy of the unit: bytes changed after commit() do not reach the database', async () => {
      await createMeter(1);
      const unit = indiciumUnit(1, 2, 'indicium-0001', MODULE, 1);
      const answer = unit.indicium?.answer as Uint8Array;
      const expected = answer.slice();
      const pending = ctx.store.commit(unit);
      answer.fill(0);
      await pending;
      expect((await ctx.store.indicia.get('indicium-0001'))?.answer).toEqual(expected);
    });

    it('refuses malformed units with INVALID_FIELD naming the field, before queuing them', async () => {
      await expectRefusal(ctx.store.commit({}), 'INVALID_FIELD', 'unit');
      await expectRefusal(
        ctx.store.commit({ package: packageWrite(1, 2, 2) }),
        'INVALID_FIELD',
        'unit.package.version',
      );
      await expectRefusal(
        ctx.store.commit({ package: { ...packageWrite(1, 1, null), meterId: '42' } }),
        'INVALID_FIELD',
        'unit.package.meterId',
      );
      await expectRefusal(
        ctx.store.commit({ package: { ...packageWrite(1, 1, null), version: 2 ** 53 } }),
        'INVALID_FIELD',
        'unit.package.version',
      );
      await expectRefusal(
        ctx.store.commit({ auditEntries: [{ moduleId: 'module-a', entry: auditEntry('module-b', 1) }] }),
        'INVALID_FIELD',
        'unit.auditEntries',
      );
      await expectRefusal(
        ctx.store.commit({
          indicium: { ...indiciumWrite(1, 'indicium-0001'), requestMac: new Uint8Array(8) },
        }),
        'INVALID_FIELD',
        'unit.indicium.requestMac',
      );
      await expectRefusal(
        ctx.store.commit({ package: { ...packageWrite(1, 1, null), extra: 1 } as never }),
        'INVALID_FIELD',
      );
      expect(await ctx.store.packages.get(meterId(1))).toBeNull();
    });

    it('refuses a record that refers to a meter it does not hold', async () => {
      await expectRefusal(ctx.store.commit({ indicium: indiciumWrite(4, 'indicium-0404') }), 'INVALID_FIELD');
      expect(await ctx.store.indicia.get('indicium-0404')).toBeNull();
    });
  });
}
