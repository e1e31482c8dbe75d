import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { ensureDevTls } from '../ca/ensure-dev-tls.js';
import { loadConfig } from '../config/config.js';
import { loadTls } from './load-tls.js';

const dir = await mkdtemp(join(tmpdir(), 'indicium-tls-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadTls', () => {
  it('makes the development CA and leaf in <data-dir>/tls by default, and names the CA file to trust', async () => {
    const tls = await loadTls(loadConfig(['--data-dir', join(dir, 'dev')], {}));
    expect(tls.cert).toContain('BEGIN CERTIFICATE');
    expect(tls.devCaFile).toBe(join(dir, 'dev', 'tls', 'dev-ca.cert.pem'));
  });

  it("serves an operator's certificate and key, checking that they pair and that the key is private", async () => {
    const a = await ensureDevTls(join(dir, 'operator-a'));
    const b = await ensureDevTls(join(dir, 'operator-b'));
    const config = (cert: string, key: string) => loadConfig(['--tls-cert', cert, '--tls-key', key], {});
    const tls = await loadTls(config(a.files.cert, a.files.key));
    expect(tls).toEqual({ key: a.key, cert: a.cert, devCaFile: null });
    await expectIndiciumRejection(() => loadTls(config(a.files.cert, b.files.key)), {
      code: 'INVALID_FIELD',
      field: 'tlsCert',
    });
    await chmod(a.files.key, 0o644);
    await expectIndiciumRejection(() => loadTls(config(a.files.cert, a.files.key)), {
      code: 'CA_STORE_REFUSED',
      reason: 'permissions',
    });
  });
});
