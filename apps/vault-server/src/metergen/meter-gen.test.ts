import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { openVaultFixture, type VaultFixture } from '../auditor/testing/vault-fixture.js';
import { openPostalCa } from '../ca/open-postal-ca.js';
import { createPsdModules } from '../meters/psd-modules.js';
import { createModuleTableGuard } from '../module-table/module-table-guard.js';
import { createMeterGen, type MeterGen } from './meter-gen.js';

// Two real modules after a real first-run ceremony, both out of service as on a node that waits
// for `vaultctl join-modules` (DESIGN §10): MeterGen's refill waits quietly, then fills the stock
// once a module comes into service.
const dialects = useStoreDialects();
let f: VaultFixture;
let meterGen: MeterGen | undefined;

const sqlite = dialects.find((d) => d.name === 'sqlite');

const metergenLines = () => f.logLines.filter((l) => l.component === 'metergen');

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('MeterGen with no module in service', () => {
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no sqlite dialect');
    f = await openVaultFixture(2, sqlite);
  }, 180_000);

  afterAll(async () => {
    await meterGen?.stop();
    await f?.close();
  });

  it('pauses with one info line (no error every retry), then refills once a module is in service', async () => {
    const guard = createModuleTableGuard({
      store: f.store,
      pool: f.vault.pool,
      inService: () => true,
      maxFailingModules: 2,
      log: f.log,
    });
    await guard.verifyAll();
    const psd = createPsdModules({ pool: f.vault.pool, guard, store: f.store, log: f.log });
    const { ca: postalCa } = await openPostalCa(join(f.dataDir, 'ca', 'postal'));
    for (const serial of ['M0001', 'M0002']) f.vault.pool.setInService(serial, false);
    meterGen = createMeterGen({ psd, store: f.store, postalCa, log: f.log, stockLevel: 1, retryDelayMs: 20 });

    meterGen.refill();
    // Long enough for many retries at 20 ms.
    await new Promise((r) => setTimeout(r, 400));
    const paused = metergenLines();
    expect(paused.map((l) => [l.level, l.msg])).toEqual([[30, 'no module in service: meter stock paused']]);
    expect(paused[0]?.reason).toContain('no module in PSD service');
    expect(await f.store.meterStock.available()).toBe(0);

    f.vault.pool.setInService('M0001', true);
    await until(async () => (await f.store.meterStock.available()) === 1);
    await until(async () => metergenLines().some((l) => l.msg === 'meter stock resumed'));
    const lines = metergenLines();
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'no module in service: meter stock paused')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'meter made and certified')).toHaveLength(1);
    expect(lines.at(-1)?.msg).toBe('meter stock resumed');
  }, 60_000);
});
