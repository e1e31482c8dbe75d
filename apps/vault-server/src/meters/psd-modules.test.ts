import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { openVaultFixture, type VaultFixture } from '../auditor/testing/vault-fixture.js';
import { createModuleTableGuard } from '../module-table/module-table-guard.js';
import { createPsdModules, type PsdModules } from './psd-modules.js';

// Two real modules after a real first-run ceremony; leases are held, not dispatched on: what is
// tested is which module a lease gets, and when an excluded module has drained (DESIGN §3.6).
// On both stores (issue 8): the guard checks every module against its row in either dialect.
const dialects = useStoreDialects();
let f: VaultFixture;
let psd: PsdModules;

const leaseSerial = () => psd.withModule(async (lease) => lease.serial);

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 30_000) throw new Error('condition not met in 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each(dialects)('PSD modules: taking a module out of PSD service on $name', (dialect) => {
  beforeAll(async () => {
    f = await openVaultFixture(2, dialect);
    const guard = createModuleTableGuard({
      store: f.store,
      pool: f.vault.pool,
      inService: () => true,
      maxFailingModules: 2,
      log: f.log,
    });
    await guard.verifyAll();
    psd = createPsdModules({ pool: f.vault.pool, guard, log: f.log });
  }, 180_000);

  afterAll(async () => {
    await f?.close();
  });

  it('waits for the leases already on the module, then gives it no more until it is back', async () => {
    // Hold a lease on each module, so one of them is on the module to exclude.
    const held = [deferred(), deferred()];
    const serials: string[] = [];
    const leases = held.map((d) =>
      psd.withModule(async (lease) => {
        serials.push(lease.serial);
        await d.promise;
      }),
    );
    // Each lease first asks the guard for its module's row (a store read): wait for both to start.
    await until(() => serials.length === 2);
    expect([...serials].sort()).toEqual(['M0001', 'M0002']);
    const onM1 = held[serials.indexOf('M0001')] as ReturnType<typeof deferred>;

    let drained = false;
    const exclusion = psd.exclude('M0001').then(() => {
      drained = true;
    });
    expect(psd.isExcluded('M0001')).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    onM1.resolve();
    await exclusion;
    expect(drained).toBe(true);

    for (const d of held) d.resolve();
    await Promise.all(leases);
    const during = await Promise.all(Array.from({ length: 6 }, leaseSerial));
    expect(new Set(during)).toEqual(new Set(['M0002']));

    psd.include('M0001');
    expect(psd.isExcluded('M0001')).toBe(false);
    const after = await Promise.all(Array.from({ length: 6 }, leaseSerial));
    expect(new Set(after)).toEqual(new Set(['M0001', 'M0002']));
  });

  it('refuses to take the last module in PSD service out unless told to', async () => {
    await psd.exclude('M0002');
    try {
      await expectIndiciumRejection(() => psd.exclude('M0001'), {
        code: 'VAULT_UNAVAILABLE',
        field: 'serial',
      });
      expect(psd.isExcluded('M0001')).toBe(false);
      await psd.exclude('M0001', { allowLast: true });
      await expectIndiciumRejection(leaseSerial, { code: 'VAULT_UNAVAILABLE' });
    } finally {
      psd.include('M0001');
      psd.include('M0002');
    }
    expect(await leaseSerial()).toMatch(/^M000[12]$/);
  });
});
