import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { type AuditKeyBook, auditKeysPath, openAuditKeyBook } from './audit-key-book.js';
import { exportAuditKey } from './export-audit-key.js';
import { type AuditRunDeps, runAudit } from './run-audit.js';
import { openVaultFixture, type VaultFixture } from './testing/vault-fixture.js';

// On both stores (issue 8): audit entries are edited and deleted in each dialect's database.
const dialects = useStoreDialects();
let f: VaultFixture;
let keys: AuditKeyBook;
let exports: string[];
let deps: AuditRunDeps;

/** Makes `n` more audit entries on a module (Create Audit Entry travels in the clear). */
async function moreEntries(serial: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const outcome = await f.vault.pool.dispatch(
      { command: 'create-audit-entry', body: {} },
      { module: serial },
    );
    expect(outcome.ok).toBe(true);
  }
}

const moduleOf = (report: Awaited<ReturnType<typeof runAudit>>, serial: string) =>
  report.modules.find((m) => m.moduleSerial === serial);

describe.each(dialects)('runAudit (DESIGN §3.5) on $name', (dialect) => {
  beforeAll(async () => {
    f = await openVaultFixture(2, dialect);
    keys = openAuditKeyBook(f.dataDir, f.pinned);
    exports = [];
    deps = {
      pool: f.vault.pool,
      audit: f.vault.audit,
      keys,
      pinned: f.pinned,
      settleMs: 200,
      exportKey: (serial, modulePublicKey) => {
        exports.push(serial);
        return exportAuditKey(
          { dispatch: (r) => f.vault.pool.dispatch(r, { module: serial }) },
          { moduleSerial: serial, modulePublicKey, officersPath: f.vault.officersPath },
        );
      },
    };
  }, 180_000);

  afterAll(async () => {
    await f?.close();
  });

  it('the store holds every entry the ceremony made, and every chain verifies up to its signed head', async () => {
    const report = await runAudit(deps);
    expect(report.valid).toBe(true);
    expect(report.modules.map((m) => [m.moduleSerial, m.result])).toEqual([
      ['M0001', 'verified'],
      ['M0002', 'verified'],
    ]);
    for (const m of report.modules) expect(m.entries).toBeGreaterThan(5);
    expect(report.meters).toEqual([]);
    expect(exports).toEqual(['M0001', 'M0002']);
  });

  it('exports each audit key once and keeps it owner-only, checked against the pinned module key', async () => {
    await moreEntries('M0001', 3);
    expect((await runAudit(deps)).valid).toBe(true);
    expect(exports).toEqual(['M0001', 'M0002']);
    const file = JSON.parse(await readFile(auditKeysPath(f.dataDir), 'utf8')) as { keys: unknown[] };
    expect(file.keys).toHaveLength(2);
  });

  it('refuses an Export Audit Key answer the pinned module key did not sign', async () => {
    const genuine = await keys.get('M0001');
    await expectIndiciumRejection(() => keys.put('M0002', genuine), {
      code: 'SIGNATURE_INVALID',
      field: 'auditPublicKey',
    });
  });

  it("an entry edited in the database breaks that module's chain; the other module still verifies", async () => {
    const [row] = await f.db.query<{ entry_json: string }>(
      'SELECT entry_json FROM audit_entries WHERE module_id = $1 AND sequence = 3',
      ['M0002'],
    );
    if (row === undefined) throw new Error('M0002 has no entry 3');
    const entry = JSON.parse(row.entry_json) as { time: number };
    entry.time += 1;
    expect(
      await f.db.execute('UPDATE audit_entries SET entry_json = $1 WHERE module_id = $2 AND sequence = 3', [
        JSON.stringify(entry),
        'M0002',
      ]),
    ).toBe(1);
    const report = await runAudit(deps);
    expect(report.valid).toBe(false);
    expect(moduleOf(report, 'M0001')?.result).toBe('verified');
    const kinds = moduleOf(report, 'M0002')?.problems.map((p) => p.kind) ?? [];
    expect(moduleOf(report, 'M0002')?.result).toBe('failed');
    expect(kinds.some((k) => k === 'chain-break' || k === 'bad-signature')).toBe(true);
  });

  it('entries removed from the end are caught against the signed head (truncated)', async () => {
    await moreEntries('M0001', 2);
    expect(
      await f.db.execute(
        'DELETE FROM audit_entries WHERE module_id = $1 AND sequence = (SELECT MAX(sequence) FROM audit_entries WHERE module_id = $2)',
        ['M0001', 'M0001'],
      ),
    ).toBe(1);
    const report = await runAudit(deps);
    expect(moduleOf(report, 'M0001')?.problems.map((p) => p.kind)).toEqual(['truncated']);
  });

  it('a key file edited at rest is never trusted: the module is reported, not verified', async () => {
    const path = auditKeysPath(f.dataDir);
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      keys: { moduleSerial: string; auditPublicKey: string }[];
    };
    const [first, second] = file.keys;
    if (first === undefined || second === undefined) throw new Error('two keys expected');
    [first.auditPublicKey, second.auditPublicKey] = [second.auditPublicKey, first.auditPublicKey];
    await writeFile(path, JSON.stringify(file), { mode: 0o600 });
    const fresh = openAuditKeyBook(f.dataDir, f.pinned);
    await expectIndiciumRejection(() => fresh.get('M0001'), {
      code: 'SIGNATURE_INVALID',
      field: 'auditPublicKey',
    });
    const report = await runAudit({ ...deps, keys: fresh });
    expect(report.modules.map((m) => [m.moduleSerial, m.problems.map((p) => p.kind)])).toEqual([
      ['M0001', ['audit-key-unavailable']],
      ['M0002', ['audit-key-unavailable']],
    ]);
  });
});
