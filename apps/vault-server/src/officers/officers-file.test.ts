import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findOfficer,
  OFFICERS_FILE_FORMAT,
  type OfficersFile,
  readOfficersFile,
  replaceOfficersFile,
  writeNewOfficersFile,
} from './officers-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'indicium-officers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file: OfficersFile = {
  format: OFFICERS_FILE_FORMAT,
  createdAt: '2026-11-26T18:00:00.000Z',
  modules: [
    {
      serial: 'M0001',
      origin: 'master',
      modulePublicKey: 'AAAA',
      officers: [{ userId: 'so', role: 'security-officer', passphrase: 'a-long-passphrase' }],
    },
  ],
};

describe('officers.json', () => {
  it('is written 0600, never over an existing file, and read back', async () => {
    const path = join(dir, 'officers.json');
    await writeNewOfficersFile(path, file);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readOfficersFile(path)).toEqual(file);
    await expect(writeNewOfficersFile(path, file)).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'exists' },
    });
    const more = {
      ...file,
      modules: [...file.modules, { ...file.modules[0], serial: 'M0002', origin: 'clone' }],
    };
    await replaceOfficersFile(path, more as OfficersFile);
    expect((await readOfficersFile(path)).modules).toHaveLength(2);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a file others may read, and one out of shape', async () => {
    const loose = join(dir, 'loose.json');
    await writeFile(loose, JSON.stringify(file), { mode: 0o644 });
    await chmod(loose, 0o644);
    await expect(readOfficersFile(loose)).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'permissions' },
    });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...file, format: 'other' }), { mode: 0o600 });
    await expect(readOfficersFile(bad)).rejects.toMatchObject({ details: { reason: 'malformed' } });
    const text = join(dir, 'text.json');
    await writeFile(text, 'not json', { mode: 0o600 });
    await expect(readOfficersFile(text)).rejects.toMatchObject({ details: { reason: 'malformed' } });
  });

  it('finds an officer, and names what is missing', () => {
    expect(findOfficer(file, 'M0001', 'so').officer.passphrase).toBe('a-long-passphrase');
    expect(() => findOfficer(file, 'M0009', 'so')).toThrow(
      expect.objectContaining({ code: 'VAULT_DATA_REFUSED' }),
    );
    expect(() => findOfficer(file, 'M0001', 'kc1')).toThrow(
      expect.objectContaining({ details: { path: 'M0001', reason: 'missing' } }),
    );
  });
});
