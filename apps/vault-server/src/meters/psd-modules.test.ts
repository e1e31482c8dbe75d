import { formatDeviceId, InitializePsdAnswerSchema } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { openVaultFixture, type VaultFixture } from '../auditor/testing/vault-fixture.js';
import { SAMPLE_PSD_MODEL, SAMPLE_VENDOR_ID } from '../metergen/meter-gen.js';
import { createModuleTableGuard, type ModuleTableGuard } from '../module-table/module-table-guard.js';
import type { CommitUnit } from '../store/commit-unit.js';
import type { Store } from '../store/store.js';
import { createPsdModules, type PsdModules } from './psd-modules.js';

// Two real modules after a real first-run ceremony; leases are held, not dispatched on: what is
// tested is which module a lease gets, and when an excluded module has drained (DESIGN §3.6).
// On both stores (issue 8): the guard checks every module against its row in either dialect.
const dialects = useStoreDialects();
let f: VaultFixture;
let psd: PsdModules;
let guard: ModuleTableGuard;

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
    guard = createModuleTableGuard({
      store: f.store,
      pool: f.vault.pool,
      inService: () => true,
      maxFailingModules: 2,
      log: f.log,
    });
    await guard.verifyAll();
    psd = createPsdModules({ pool: f.vault.pool, guard, store: f.store, log: f.log });
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

  it('keeps a meter on the module that served it last while that one is not busier, else takes the least busy', async () => {
    const on = (meterId: string) => psd.withModule(async (lease) => lease.serial, { meterId });
    const first = await on('meter-a');
    for (let i = 0; i < 6; i++) expect(await on('meter-a')).toBe(first);
    // Leases for no meter in particular rotate over both modules: the test can tell the difference.
    const rotated = new Set<string>();
    for (let i = 0; i < 4; i++) rotated.add(await leaseSerial());
    expect(rotated).toEqual(new Set(['M0001', 'M0002']));

    const hold = deferred();
    let started = false;
    const busy = psd.withModule(
      async (lease) => {
        started = true;
        await hold.promise;
        return lease.serial;
      },
      { meterId: 'meter-a' },
    );
    await until(() => started);
    const moved = await on('meter-a');
    expect(moved).not.toBe(first);
    hold.resolve();
    expect(await busy).toBe(first);
    expect(await on('meter-a')).toBe(moved);
  });

  /**
   * The real store behind a door: after `hold()` units queue, in order, until `open()`, so a test
   * can hold one module's units on their way and see what the module does meanwhile.
   */
  function heldCommits(): Pick<Store, 'commit'> & { readonly queued: number; hold(): void; open(): void } {
    let open = true;
    const held: (() => void)[] = [];
    return {
      get queued() {
        return held.length;
      },
      hold() {
        open = false;
      },
      open() {
        open = true;
        for (const go of held.splice(0)) go();
      },
      commit(unit: CommitUnit) {
        if (open) return f.store.commit(unit);
        return new Promise<void>((go) => held.push(go)).then(() => f.store.commit(unit));
      },
    };
  }

  const meterOf = (serial: number) =>
    formatDeviceId({ vendorId: SAMPLE_VENDOR_ID, psdModel: SAMPLE_PSD_MODEL, psdSerial: 900_000 + serial });

  /** One real PSD command that moves the module's checkpoint one step, and its unit. */
  function initialize(on: PsdModules, n: number, events: string[]) {
    return on.withModule(async (lease) => {
      const meterId = meterOf(n);
      const made = await lease.call('initialize-psd', { meterId }, InitializePsdAnswerSchema);
      events.push(`ran ${n}`);
      await lease.commit({
        package: {
          meterId,
          customerId: null,
          version: made.packageVersion,
          replacesVersion: null,
          state: made.state,
          bytes: Buffer.from(made.package, 'base64'),
        },
      });
      events.push(`stored ${n}`);
      return lease.serial;
    });
  }

  async function autoRecoveries(serial: string): Promise<number> {
    const entries = await f.store.audit.listByModule(serial, { fromSequence: 0, limit: 10_000 });
    return entries.filter((r) => r.entry.command === 'auto-recover-checkpoint').length;
  }

  it("runs the next meter's command while the unit before it is on its way, at most two steps ahead of the module's row", async () => {
    const door = heldCommits();
    const piped = createPsdModules({ pool: f.vault.pool, guard, store: door, log: f.log });
    await piped.exclude('M0002');
    // A module with no row yet keeps its lease until its first unit lands (nothing to chain on).
    await initialize(piped, 0, []);
    const recoveriesBefore = await autoRecoveries('M0001');
    door.hold();
    const events: string[] = [];
    const runs = [1, 2, 3].map((n) => initialize(piped, n, events));
    // Units 1 and 2 are held on their way; the module ran both (not waiting for 1 to land) and
    // then stopped: a third step would leave its row further back than its last three records.
    await until(() => door.queued === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(['ran 1', 'ran 2']);
    door.open();
    expect(await Promise.all(runs)).toEqual(['M0001', 'M0001', 'M0001']);
    expect(events.slice(0, 3)).toEqual(['ran 1', 'ran 2', 'stored 1']);
    for (const n of [1, 2, 3]) expect((await f.store.packages.get(meterOf(n)))?.version).toBe(1);
    // The row holds the module's latest record: the next command runs in step, no Auto-Recover.
    await initialize(piped, 4, events);
    expect(await autoRecoveries('M0001')).toBe(recoveriesBefore);
    expect(guard.inhibited()).toEqual([]);
    piped.include('M0002');
  });

  it('a unit queued behind one that fails fails too and stores nothing; the module Auto-Recovers to its row and serves on', async () => {
    const door = heldCommits();
    const piped = createPsdModules({ pool: f.vault.pool, guard, store: door, log: f.log });
    await piped.exclude('M0002');
    const events: string[] = [];
    await initialize(piped, 10, events);
    const meter10 = await f.store.packages.get(meterOf(10));
    const recoveriesBefore = await autoRecoveries('M0001');
    door.hold();
    const rowBefore = (await f.store.modules.get('M0001'))?.checkpoint;
    // The second unit for meter 10 is refused by the store on its own data (it creates a meter
    // that exists); unit 12, made by the module on top of its record, is queued behind it.
    const failing = initialize(piped, 10, events);
    const behind = initialize(piped, 12, events);
    await until(() => door.queued === 2);
    door.open();
    const [first, second] = await Promise.allSettled([failing, behind]);
    const reasonOf = (r: PromiseSettledResult<unknown>) => () =>
      r.status === 'rejected' ? Promise.reject(r.reason) : Promise.resolve(r.value);
    await expectIndiciumRejection(reasonOf(first), {
      code: 'STALE_PACKAGE',
      field: 'package.replacesVersion',
    });
    await expectIndiciumRejection(reasonOf(second), { code: 'VAULT_UNAVAILABLE', field: 'checkpoint' });
    expect(await f.store.packages.get(meterOf(10))).toEqual(meter10);
    expect(await f.store.packages.get(meterOf(12))).toBeNull();
    expect((await f.store.modules.get('M0001'))?.checkpoint).toEqual(rowBefore);

    // The next lease presents the row, two steps behind the module: Auto-Recover takes it back,
    // the command runs, and the module stays in service.
    expect(await initialize(piped, 13, events)).toBe('M0001');
    expect((await f.store.packages.get(meterOf(13)))?.version).toBe(1);
    expect(await autoRecoveries('M0001')).toBe(recoveriesBefore + 1);
    expect(guard.inhibited()).toEqual([]);
    piped.include('M0002');
  });
});
