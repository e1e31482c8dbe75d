import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meterId, packageWrite } from './store-fixtures.js';
import type { MakeStoreHarness } from './store-harness.js';
import { useStore } from './use-store.js';

/**
 * The lost-update check as a property (DESIGN §10): for any sequence of package writes naming
 * arbitrary versions, a write lands exactly when it names the stored version, and the stored
 * version is always the last one that landed.
 */
export function describeVersionContract(name: string, makeHarness: MakeStoreHarness): void {
  describe(`${name} store: package versions`, () => {
    const ctx = useStore(makeHarness);
    let nextMeter = 1;

    it('lands a write exactly when it names the stored version', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ meter: fc.integer({ min: 0, max: 2 }), replaces: fc.integer({ min: 1, max: 4 }) }),
            {
              minLength: 1,
              maxLength: 12,
            },
          ),
          async (writes) => {
            const base = nextMeter;
            nextMeter += 3;
            const model = [1, 1, 1];
            for (let m = 0; m < 3; m++) await ctx.store.commit({ package: packageWrite(base + m, 1, null) });
            for (const { meter, replaces } of writes) {
              const attempt = ctx.store.commit({
                package: packageWrite(base + meter, replaces + 1, replaces),
              });
              if (model[meter] === replaces) {
                await attempt;
                model[meter] = replaces + 1;
              } else {
                await expect(attempt).rejects.toMatchObject({ code: 'STALE_PACKAGE' });
              }
            }
            for (let m = 0; m < 3; m++) {
              const pkg = await ctx.store.packages.get(meterId(base + m));
              expect(pkg?.version).toBe(model[m]);
              expect(pkg?.bytes).toEqual(packageWrite(base + m, model[m] ?? 0, null).bytes);
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}
