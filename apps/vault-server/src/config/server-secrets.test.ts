import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import {
  ensureServerSecrets,
  readServerSecrets,
  SERVER_SECRETS_FILE,
  writeServerSecrets,
} from './server-secrets.js';

const root = await mkdtemp(join(tmpdir(), 'indicium-secrets-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('ensureServerSecrets', () => {
  it('makes a random 32-byte key on first run, owner-only, and keeps it afterwards', async () => {
    const dir = join(root, 'a');
    const first = await ensureServerSecrets(dir);
    expect(first.sessionKey).toHaveLength(32);
    expect((await stat(join(dir, SERVER_SECRETS_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const again = await ensureServerSecrets(dir);
    expect(again.sessionKey.equals(first.sessionKey)).toBe(true);
    const other = await ensureServerSecrets(join(root, 'b'));
    expect(other.sessionKey.equals(first.sessionKey)).toBe(false);
  });

  it('refuses a secrets file others can read, and a damaged one', async () => {
    const dir = join(root, 'c');
    await ensureServerSecrets(dir);
    const path = join(dir, SERVER_SECRETS_FILE);
    await chmod(path, 0o644);
    const refused = await expectIndiciumRejection(() => ensureServerSecrets(dir), {
      code: 'CA_STORE_REFUSED',
      reason: 'permissions',
    });
    expect(refused.details?.path).toBe(path);
    await chmod(path, 0o600);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(/"sessionKey":"[^"]+"/, '"sessionKey":"short"'));
    await expectIndiciumRejection(() => ensureServerSecrets(dir), {
      code: 'INVALID_FIELD',
      field: 'serverSecrets',
    });
  });
});

describe('writeServerSecrets and readServerSecrets (a node joining a cluster takes its session key)', () => {
  it('writes the given key owner-only, never over an existing file; reads without making one', async () => {
    const dir = join(root, 'joined');
    expect(await readServerSecrets(dir)).toBeNull();
    const sessionKey = randomBytes(32);
    await writeServerSecrets(dir, { sessionKey });
    expect((await stat(join(dir, SERVER_SECRETS_FILE))).mode & 0o777).toBe(0o600);
    expect((await readServerSecrets(dir))?.sessionKey.equals(sessionKey)).toBe(true);
    expect((await ensureServerSecrets(dir)).sessionKey.equals(sessionKey)).toBe(true);
    await expectIndiciumRejection(() => writeServerSecrets(dir, { sessionKey: randomBytes(32) }), {
      code: 'CA_STORE_REFUSED',
      reason: 'exists',
    });
    expect((await readServerSecrets(dir))?.sessionKey.equals(sessionKey)).toBe(true);
  });

  it('refuses a key of the wrong length', async () => {
    await expectIndiciumRejection(
      () => writeServerSecrets(join(root, 'short'), { sessionKey: randomBytes(16) }),
      {
        code: 'INVALID_FIELD',
        field: 'sessionKey',
      },
    );
  });
});
