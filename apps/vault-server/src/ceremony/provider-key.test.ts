import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProviderKey } from './provider-key.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-provider-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ensureProviderKey', () => {
  it('makes a P-256 key once (0600 in 0700), then loads the same key', async () => {
    const dir = join(root, 'provider');
    const first = await ensureProviderKey(dir);
    expect(first.created).toBe(true);
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const second = await ensureProviderKey(dir);
    expect(second.created).toBe(false);
    expect(second.publicKeySpki).toBe(first.publicKeySpki);
    const signature = sign('sha256', Buffer.from('value download'), second.privateKey);
    const publicKey = createPublicKey({
      key: Buffer.from(first.publicKeySpki, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', Buffer.from('value download'), publicKey, signature)).toBe(true);
  });

  it('refuses a key others can read, and a key of another kind', async () => {
    const loose = join(root, 'loose');
    const { path } = await ensureProviderKey(loose);
    await chmod(path, 0o640);
    await expect(ensureProviderKey(loose)).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'permissions' },
    });

    const other = join(root, 'other');
    const made = await ensureProviderKey(other);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await writeFile(made.path, p384, { mode: 0o600 });
    await expect(ensureProviderKey(other)).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'malformed' },
    });
    await writeFile(made.path, 'garbage', { mode: 0o600 });
    await expect(ensureProviderKey(other)).rejects.toMatchObject({
      code: 'VAULT_DATA_REFUSED',
      details: { reason: 'malformed' },
    });
  });
});
