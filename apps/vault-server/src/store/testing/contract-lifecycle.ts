import { describe, expect, it } from 'vitest';
import { expectRefusal } from './expect-refusal.js';
import { indiciumUnit, meterId, packageWrite, sha256 } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

/** What survives a close and reopen, and what a closed store does (DESIGN §6 graceful shutdown). */
export function describeLifecycleContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: close and reopen`, () => {
    const ctx = useStore(makeHarness);

    it('keeps every committed record across a reopen', async () => {
      await ctx.store.commit({ package: packageWrite(1, 1, null) });
      await ctx.store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1));
      const store = await ctx.reopen();
      expect((await store.packages.get(meterId(1)))?.version).toBe(2);
      expect((await store.findIndiciumByRequestMac(sha256('request indicium-0001')))?.indiciumId).toBe(
        'indicium-0001',
      );
      expect((await store.audit.latest('m1'))?.sequence).toBe(1);
      // The lost-update check holds across the reopen too.
      await expectRefusal(store.commit(indiciumUnit(1, 2, 'indicium-0002', 'm1', 2)), 'STALE_PACKAGE');
    });

    it('commits what was queued before close() (shutdown loses no commit)', async () => {
      await ctx.store.commit({ package: packageWrite(1, 1, null) });
      const pending = ctx.store.commit(indiciumUnit(1, 2, 'indicium-0001', 'm1', 1));
      const closing = ctx.store.close();
      await expect(pending).resolves.toMatchObject({ batchUnits: 1 });
      await closing;
      const store = await ctx.reopen();
      expect(await store.indicia.get('indicium-0001')).not.toBeNull();
    });

    it('refuses every call once closed (VAULT_UNAVAILABLE)', async () => {
      await ctx.store.close();
      await expectRefusal(ctx.store.commit({ package: packageWrite(1, 1, null) }), 'VAULT_UNAVAILABLE');
      await expectRefusal(ctx.store.packages.get(meterId(1)), 'VAULT_UNAVAILABLE');
      await expectRefusal(ctx.store.meterStock.claim('customer-1'), 'VAULT_UNAVAILABLE');
      await ctx.store.close();
    });
  });
}
