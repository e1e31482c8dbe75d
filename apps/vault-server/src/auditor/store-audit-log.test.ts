import { describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { createFileAuditLog } from '../pool/file-audit-log.js';
import { ensureModuleFiles } from '../pool/module-files.js';
import { auditEntry } from '../store/testing/store-fixtures.js';
import { useTempDirs } from '../store/testing/temp-dir.js';
import { importFileAuditLog } from './import-file-audit-log.js';
import { createStoreAuditLog } from './store-audit-log.js';

const tempDir = useTempDirs();
// On both stores (issue 8): paging, the duplicate refusal and a row deleted behind the store.
const dialects = useStoreDialects();

describe.each(dialects)('the store as the pool audit sink (DESIGN §3.5) on $name', (dialect) => {
  it('appends durably, reads back in order across pages, and a retry of the same entry is a no-op', async () => {
    const db = await dialect.harness();
    const store = await db.open();
    const log = createStoreAuditLog(store);
    await Promise.all(Array.from({ length: 1_205 }, (_, i) => log.append('M0001', auditEntry('M0001', i))));
    await log.append('M0001', auditEntry('M0001', 7));
    await log.append('M0002', auditEntry('M0002', 0));
    await store.close();
    const again = await db.open();
    try {
      const reopened = createStoreAuditLog(again);
      const entries = await reopened.read('M0001');
      expect(entries.map((e) => e.sequence)).toEqual(Array.from({ length: 1_205 }, (_, i) => i));
      expect((await reopened.read('M0002')).map((e) => e.moduleSerial)).toEqual(['M0002']);
      expect(await reopened.read('M0003')).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('refuses another entry at a taken sequence (the pool then answers AUDIT_FAILURE)', async () => {
    const store = await (await dialect.harness()).open();
    const log = createStoreAuditLog(store);
    await log.append('M0001', auditEntry('M0001', 0));
    await expectIndiciumRejection(() => log.append('M0001', auditEntry('M0001', 0, 'get-challenge')), {
      code: 'DUPLICATE_RECORD',
      field: 'auditEntries.sequence',
    });
    await store.close();
  });

  it('a row deleted behind the store reads as a gap, never as a row read twice', async () => {
    const db = await dialect.harness();
    const store = await db.open();
    const log = createStoreAuditLog(store);
    await Promise.all(Array.from({ length: 1_003 }, (_, i) => log.append('M0001', auditEntry('M0001', i))));
    await store.close();
    expect(
      await db.execute('DELETE FROM audit_entries WHERE module_id = $1 AND sequence = 5', ['M0001']),
    ).toBe(1);
    const again = await db.open();
    try {
      const entries = await createStoreAuditLog(again).read('M0001');
      expect(entries).toHaveLength(1_002);
      expect(new Set(entries.map((e) => e.sequence)).size).toBe(1_002);
      expect(entries.some((e) => e.sequence === 5)).toBe(false);
    } finally {
      await again.close();
    }
  });

  it('imports a per-module audit.jsonl from before, once, without touching what the store holds', async () => {
    const dir = await tempDir();
    await ensureModuleFiles(dir, 'M0001');
    await ensureModuleFiles(dir, 'M0002');
    const files = createFileAuditLog(dir);
    for (let i = 0; i < 70; i++) await files.append('M0001', auditEntry('M0001', i));
    await files.close();
    const store = await (await dialect.harness()).open();
    await createStoreAuditLog(store).append('M0002', auditEntry('M0002', 0));
    expect(await importFileAuditLog(createFileAuditLog(dir), store, ['M0001', 'M0002'])).toEqual({
      M0001: 70,
    });
    expect(await importFileAuditLog(createFileAuditLog(dir), store, ['M0001', 'M0002'])).toEqual({});
    expect((await createStoreAuditLog(store).read('M0001')).map((e) => e.sequence)).toEqual(
      Array.from({ length: 70 }, (_, i) => i),
    );
    await store.close();
  });
});
