import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureModuleFiles, listModuleSerials, moduleFiles, nextModuleSerial } from './module-files.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-module-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('module files', () => {
  it('numbers modules after the highest present', () => {
    expect(nextModuleSerial([])).toBe('M0001');
    expect(nextModuleSerial(['M0001', 'M0007', 'X-1'])).toBe('M0008');
  });

  it("numbers a joined node's modules under its own prefix, whatever other serials exist", () => {
    expect(nextModuleSerial(['M0001', 'M0009'], 'N0a1b2c3d-')).toBe('N0a1b2c3d-M0001');
    expect(nextModuleSerial(['N0a1b2c3d-M0002', 'M0009', 'Nffffffff-M0005'], 'N0a1b2c3d-')).toBe(
      'N0a1b2c3d-M0003',
    );
    // The first node's scheme ignores prefixed serials, so the two never meet.
    expect(nextModuleSerial(['N0a1b2c3d-M0004'])).toBe('M0001');
  });

  it('refuses a serial that is not a safe path segment', () => {
    for (const bad of ['../x', 'a/b', '']) {
      expect(() => moduleFiles(root, bad)).toThrow(expect.objectContaining({ code: 'VAULT_DATA_REFUSED' }));
    }
  });

  it('lists module folders only, sorted', async () => {
    const dir = join(root, 'list');
    expect(await listModuleSerials(dir)).toEqual([]);
    await ensureModuleFiles(dir, 'M0002');
    await ensureModuleFiles(dir, 'M0001');
    await writeFile(join(dir, 'modules', 'README'), 'x');
    await mkdir(join(dir, 'modules', '.hidden'));
    expect(await listModuleSerials(dir)).toEqual(['M0001', 'M0002']);
  });

  it('refuses a modules folder others may write', async () => {
    const dir = join(root, 'open');
    await ensureModuleFiles(dir, 'M0001');
    await chmod(join(dir, 'modules'), 0o777);
    await expect(ensureModuleFiles(dir, 'M0001')).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'permissions' },
    });
  });

  it('keeps the storage key it made: the same bytes on every call', async () => {
    const dir = join(root, 'keep');
    const files = await ensureModuleFiles(dir, 'M0001');
    const before = await readFile(files.storageKeyPath);
    await ensureModuleFiles(dir, 'M0001');
    expect((await readFile(files.storageKeyPath)).equals(before)).toBe(true);
    expect((await stat(files.storageKeyPath)).mode & 0o777).toBe(0o600);
  });
});
