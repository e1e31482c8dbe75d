import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { openVaultFixture, type VaultFixture } from '../auditor/testing/vault-fixture.js';
import { createModuleTableGuard, type ModuleTableGuard } from './module-table-guard.js';

// Three real modules after a real first-run ceremony; the guard stops the vault at two inhibited.
// On both stores (issue 8): module rows are forged and restored in each dialect's database.
const dialects = useStoreDialects();
let f: VaultFixture;
let guard: ModuleTableGuard;

function newGuard(): ModuleTableGuard {
  return createModuleTableGuard({
    store: f.store,
    pool: f.vault.pool,
    inService: (serial) => f.vault.manifest().modules.find((m) => m.serial === serial)?.inService ?? false,
    maxFailingModules: 2,
    log: f.log,
    registry: f.registry,
  });
}

/** Writes a checkpoint the module never made into its row, as an edit behind the vault would. */
async function forgeRow(serial: string): Promise<void> {
  const changed = await f.db.execute('UPDATE modules SET checkpoint = $1 WHERE module_id = $2', [
    Buffer.from(randomBytes(96).toString('base64')),
    serial,
  ]);
  if (changed !== 1) throw new Error(`no module row for ${serial}`);
}

const inService = (serial: string) => f.vault.pool.info().find((m) => m.serial === serial)?.inService;

describe.each(dialects)('module table (DESIGN §3.6) on $name', (dialect) => {
  beforeAll(async () => {
    f = await openVaultFixture(3, dialect);
    guard = newGuard();
  }, 180_000);

  afterAll(async () => {
    await f?.close();
  });

  it('registers every module and finds each in step with its (empty) row', async () => {
    const checks = await guard.verifyAll();
    expect(checks.map((c) => [c.moduleSerial, c.result])).toEqual([
      ['M0001', 'in-step'],
      ['M0002', 'in-step'],
      ['M0003', 'in-step'],
    ]);
    const rows = await f.store.modules.list();
    expect(rows.map((r) => [r.moduleId, r.status, r.inhibited, r.checkpoint])).toEqual([
      ['M0001', 'in-service', false, null],
      ['M0002', 'in-service', false, null],
      ['M0003', 'in-service', false, null],
    ]);
    expect(await guard.checkpointFor('M0001')).toBeNull();
    expect(guard.isServing()).toBe(true);
  });

  it('a row edited behind the vault inhibits that module alone; the others still serve', async () => {
    const before = await f.store.audit.latest('M0002');
    await forgeRow('M0002');
    const [check] = (await guard.verifyAll()).filter((c) => c.moduleSerial === 'M0002');
    expect(check?.result).toBe('inhibited');
    expect((await f.store.modules.get('M0002'))?.inhibited).toBe(true);
    expect(inService('M0002')).toBe(false);
    expect([inService('M0001'), inService('M0003')]).toEqual([true, true]);
    await expectIndiciumRejection(() => guard.checkpointFor('M0002'), {
      code: 'CHECKPOINT_MISMATCH',
      field: 'module',
    });
    expect(await guard.checkpointFor('M0003')).toBeNull();
    expect(guard.isServing()).toBe(true);
    expect(() => guard.assertServing()).not.toThrow();
    // The module's refusal was audited (a committed refusal) and the entry reached the store.
    const after = await f.store.audit.latest('M0002');
    expect(after?.sequence).toBeGreaterThan(before?.sequence ?? -1);
    expect(after?.entry).toMatchObject({
      command: 'auto-recover-checkpoint',
      reasonCode: 'CHECKPOINT_MISMATCH',
    });
    expect(f.logLines.some((l) => l.level === 50 && l.module === 'M0002')).toBe(true);
    // The module itself now refuses PSD work whatever row it is shown.
    const outcome = await f.vault.pool.dispatch(
      { command: 'auto-recover-checkpoint', body: { checkpoint: null } },
      { module: 'M0002' },
    );
    expect(outcome.ok ? 'ok' : outcome.error.code).toBe('CHECKPOINT_MISMATCH');
  });

  it('handleMismatch on a module in step answers in-step and changes nothing', async () => {
    expect((await guard.handleMismatch('M0001')).result).toBe('in-step');
    expect((await f.store.modules.get('M0001'))?.inhibited).toBe(false);
  });

  it('release refuses a module that is not inhibited, and an unknown one', async () => {
    await expectIndiciumRejection(() => guard.release('M0001'), { code: 'WRONG_STATE', field: 'serial' });
    await expectIndiciumRejection(() => guard.release('M0099'), { code: 'NOT_FOUND', field: 'serial' });
  });

  it('reaching the threshold stops value-bearing work; a restart keeps it stopped', async () => {
    await forgeRow('M0003');
    expect((await guard.handleMismatch('M0003')).result).toBe('inhibited');
    expect(guard.isServing()).toBe(false);
    expect(guard.inhibited()).toEqual(['M0002', 'M0003']);
    expect(() => guard.assertServing()).toThrow(expect.objectContaining({ code: 'VAULT_UNAVAILABLE' }));
    await expectIndiciumRejection(() => guard.checkpointFor('M0001'), {
      code: 'VAULT_UNAVAILABLE',
      reason: 'module-table',
    });
    expect(
      f.logLines.some((l) => l.level === 50 && String(l.msg).startsWith('vault stopped value-bearing work')),
    ).toBe(true);
    const metrics = await f.registry.metrics();
    expect(metrics).toContain('indicium_module_table_inhibited_modules 2');
    expect(metrics).toContain('indicium_vault_value_service_stopped 1');

    // A new process (a new guard) reads the flags back: inhibited modules stay out until released.
    f.vault.pool.setInService('M0002', true);
    const again = createModuleTableGuard({
      store: f.store,
      pool: f.vault.pool,
      inService: () => true,
      maxFailingModules: 2,
      log: f.log,
    });
    const checks = await again.verifyAll();
    expect(checks.filter((c) => c.result === 'inhibited').map((c) => c.moduleSerial)).toEqual([
      'M0002',
      'M0003',
    ]);
    expect(again.isServing()).toBe(false);
    expect(inService('M0002')).toBe(false);
  });

  it('release before an officer recovered the module keeps it inhibited', async () => {
    expect((await guard.release('M0003')).result).toBe('inhibited');
    expect(guard.isServing()).toBe(false);
  });

  it("after the Security Officer's Recover Checkpoint on a restored row, release puts the module back", async () => {
    // The operators restore the row (here: no record yet) and the SO tells the module to trust it.
    expect(await f.db.execute('UPDATE modules SET checkpoint = NULL WHERE module_id = $1', ['M0003'])).toBe(
      1,
    );
    const session = await f.session('M0003');
    try {
      await session.call(session.first('security-officer'), 'recover-checkpoint', { checkpoint: null });
    } finally {
      await session.close();
    }
    expect((await guard.release('M0003')).result).toBe('in-step');
    expect((await f.store.modules.get('M0003'))?.inhibited).toBe(false);
    expect(inService('M0003')).toBe(true);
    expect(guard.isServing()).toBe(true);
    expect(guard.inhibited()).toEqual(['M0002']);
    expect(await guard.checkpointFor('M0003')).toBeNull();
    const latest = await f.store.audit.latest('M0003');
    expect(latest?.entry).toMatchObject({ command: 'auto-recover-checkpoint', reasonCode: 'OK' });
  });
});
