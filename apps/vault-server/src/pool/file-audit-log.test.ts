import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileAuditLog } from './file-audit-log.js';
import { ensureModuleFiles } from './module-files.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'indicium-audit-log-'));
  await ensureModuleFiles(dataDir, 'M0001');
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function entry(sequence: number): AuditEntry {
  return {
    moduleSerial: 'M0001',
    sequence,
    previousHash: Buffer.alloc(32).toString('base64'),
    softwarePart: 'indicium-crypto-module',
    softwareVersion: '0.1.0',
    bootCount: 1,
    command: 'get-status',
    userId: null,
    role: null,
    currentState: 'O',
    persistentState: 'O',
    time: 1_700_000_000_000 + sequence,
    reasonCode: 'OK',
    data: {},
    signatureRequired: false,
    signature: null,
  };
}

describe('file audit log', () => {
  it('keeps the order entries were handed over in, owner-only, across a reopen', async () => {
    const log = createFileAuditLog(dataDir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append('M0001', entry(i))));
    expect((await log.read('M0001')).map((e) => e.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await log.close();
    const path = join(dataDir, 'modules', 'M0001', 'audit.jsonl');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = createFileAuditLog(dataDir);
    expect(await again.read('M0001')).toHaveLength(50);
    expect(await again.read('M0002')).toEqual([]);
    await again.close();
  });

  it('leaves a half-written last line for later and refuses a damaged one', async () => {
    const path = join(dataDir, 'modules', 'M0001', 'audit.jsonl');
    await appendFile(path, '{"moduleSerial":"M00');
    const log = createFileAuditLog(dataDir);
    expect(await log.read('M0001')).toHaveLength(50);
    await appendFile(path, '\n');
    await expect(log.read('M0001')).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'malformed' },
    });
    await log.close();
  });
});
