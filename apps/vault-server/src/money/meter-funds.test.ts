import { RequestIdSchema } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { indiciumWrite, meterId, packageWrite } from '../store/testing/store-fixtures.js';
import { useStore } from '../store/testing/use-store.js';
import { downloadedInto, ledgerKey, registersOf } from './meter-funds.js';

// On both stores (issue 8): the registers are sums and orderings each dialect's SQL computes.
const dialects = useStoreDialects();

describe('ledger keys', () => {
  it('ledger keys are valid request ids, stable per request and distinct per purpose and meter', () => {
    const k = ledgerKey('download', meterId(1), 'purchase-0001');
    expect(RequestIdSchema.parse(k)).toBe(k);
    expect(ledgerKey('download', meterId(1), 'purchase-0001')).toBe(k);
    expect(ledgerKey('deposit', meterId(1), 'purchase-0001')).not.toBe(k);
    expect(ledgerKey('download', meterId(2), 'purchase-0001')).not.toBe(k);
    expect(ledgerKey('download', meterId(1), 'purchase-0002')).not.toBe(k);
  });
});

describe.each(dialects)(
  'the provider’s record of a meter (DESIGN §4.4 control total) on $name',
  (dialect) => {
    // The store's clock is the test's: the two pieces below are stamped in the same millisecond on
    // both stores by construction, not by how fast a batch happens to run.
    let nowMs = 1_750_000_000_000;
    const s = useStore(() => dialect.harness({ clock: () => nowMs }));

    it('the control total is the sum of this meter’s downloads; DR is that less the AR of its newest indicium', async () => {
      const store = s.store;
      await store.customers.create({ customerId: 'customer-1', displayName: 'One' });
      await store.commit({ package: packageWrite(1, 1, null) });
      await store.commit({ package: packageWrite(2, 1, null) });
      expect(await registersOf(store, meterId(1), 'customer-1')).toEqual({
        ascendingRegisterMills: 0,
        descendingRegisterMills: 0,
        pieceCount: 0,
      });
      const entry = (
        n: number,
        kind: 'deposit' | 'download' | 'refund',
        amountMills: number,
        key: string,
      ) => ({
        customerId: 'customer-1',
        idempotencyKey: key,
        kind,
        meterId: meterId(n),
        amountMills,
      });
      await store.commit({
        ledgerEntries: [
          entry(1, 'deposit', 100_000, 'deposit-0001'),
          entry(1, 'download', 100_000, 'download-0001'),
          entry(2, 'download', 7_000, 'download-0002'),
          entry(1, 'refund', 3_000, 'refund-00001'),
        ],
      });
      expect(await downloadedInto(store, 'customer-1', meterId(1))).toBe(100_000);
      expect(await downloadedInto(store, 'customer-1', meterId(2))).toBe(7_000);
      await store.commit({ package: packageWrite(1, 2, 1), indicium: indiciumWrite(1, 'indicium-01') });
      expect(await registersOf(store, meterId(1), 'customer-1')).toEqual({
        ascendingRegisterMills: 730,
        descendingRegisterMills: 99_270,
        pieceCount: 1,
      });
      // Two pieces stamped in the same millisecond tie on time; the older one sorts first by id.
      nowMs += 1_000;
      await Promise.all([
        store.commit({
          package: packageWrite(1, 3, 2),
          indicium: { ...indiciumWrite(1, 'zzzz-older'), pieceCount: 2, ascendingRegisterMills: 1_460 },
        }),
        store.commit({
          package: packageWrite(1, 4, 3),
          indicium: { ...indiciumWrite(1, 'aaaa-newer'), pieceCount: 3, ascendingRegisterMills: 2_190 },
        }),
      ]);
      const tied = await store.indicia.listByMeter(meterId(1), { limit: 2 });
      expect(tied.items.map((i) => i.indiciumId)).toEqual(['zzzz-older', 'aaaa-newer']);
      expect(await registersOf(store, meterId(1), 'customer-1')).toEqual({
        ascendingRegisterMills: 2_190,
        descendingRegisterMills: 97_810,
        pieceCount: 3,
      });
      // A meter no customer holds yet has had nothing downloaded.
      expect((await registersOf(store, meterId(2), null)).descendingRegisterMills).toBe(0);
    });
  },
);
