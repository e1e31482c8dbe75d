import { chmod, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { opensslVerify } from '../../test/support/openssl-cli.js';
import { saveCertificateAuthority } from './ca-store.js';
import { createDevelopmentCa } from './create-development-ca.js';
import { DEVELOPMENT_CA_NAME, ensureDevTls } from './ensure-dev-tls.js';
import { generateP256KeyPair } from './p256-key-pair.js';

const DAY = 86_400_000;
const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('ensureDevTls (DESIGN §6)', () => {
  let root: string;
  let n = 0;
  const freshDir = (): string => join(root, `case-${n++}`, 'tls');
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'indicium-dev-tls-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes a development CA and a localhost server certificate on first run, keys 0600', async () => {
    const dir = freshDir();
    const tls = await ensureDevTls(dir);
    expect(tls.issued).toBe(true);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(tls.files.key)).toBe(0o600);
    expect(await mode(tls.files.ca.privateKey)).toBe(0o600);
    expect(await readFile(tls.files.key, 'utf8')).toBe(tls.key);
    expect(await readFile(tls.files.cert, 'utf8')).toBe(tls.cert);
    expect(await readFile(tls.files.ca.certificate, 'utf8')).toBe(tls.ca);
    expect(tls.files.ca.certificate).toBe(join(dir, `${DEVELOPMENT_CA_NAME}.cert.pem`));
    expect(opensslVerify(tls.ca, tls.cert, { purpose: 'sslserver' }).output).toContain(': OK');
    expect(opensslVerify(tls.ca, tls.ca).ok).toBe(true);
  });

  it('reuses everything on the next run', async () => {
    const dir = freshDir();
    const first = await ensureDevTls(dir);
    const second = await ensureDevTls(dir);
    expect(second.issued).toBe(false);
    expect(second).toEqual({ ...first, issued: false });
  });

  it('re-issues the leaf, never the CA, when it nears expiry', async () => {
    const dir = freshDir();
    const first = await ensureDevTls(dir);
    const stillFine = await ensureDevTls(dir, { now: new Date(Date.now() + 360 * DAY) });
    expect(stillFine.issued).toBe(false);
    const later = new Date(Date.now() + 380 * DAY);
    const renewed = await ensureDevTls(dir, { now: later });
    expect(renewed.issued).toBe(true);
    expect(renewed.ca).toBe(first.ca);
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.key).not.toBe(first.key);
    expect(opensslVerify(renewed.ca, renewed.cert, { purpose: 'sslserver', at: later }).ok).toBe(true);
    expect((await ensureDevTls(dir, { now: later })).issued).toBe(false);
  });

  it('re-issues the leaf when asked for names it does not cover', async () => {
    const dir = freshDir();
    const first = await ensureDevTls(dir);
    const wider = await ensureDevTls(dir, { extraNames: ['vault.lan', '10.0.0.5'] });
    expect(wider.issued).toBe(true);
    expect(wider.ca).toBe(first.ca);
    expect((await ensureDevTls(dir, { extraNames: ['vault.lan'] })).issued).toBe(false);
  });

  it('re-issues a leaf whose key file does not match, or that another CA signed', async () => {
    const dir = freshDir();
    const first = await ensureDevTls(dir);
    const stray = await generateP256KeyPair();
    await writeFile(first.files.key, stray.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      mode: 0o600,
    });
    const fixed = await ensureDevTls(dir);
    expect(fixed.issued).toBe(true);
    expect(opensslVerify(fixed.ca, fixed.cert, { purpose: 'sslserver' }).ok).toBe(true);

    const foreign = await ensureDevTls(freshDir());
    await writeFile(fixed.files.cert, foreign.cert);
    await writeFile(fixed.files.key, foreign.key, { mode: 0o600 });
    const reissued = await ensureDevTls(dir);
    expect(reissued.issued).toBe(true);
    expect(opensslVerify(first.ca, reissued.cert, { purpose: 'sslserver' }).ok).toBe(true);
  });

  it('refuses a server key file others can read', async () => {
    const dir = freshDir();
    const tls = await ensureDevTls(dir);
    await chmod(tls.files.key, 0o644);
    await expectIndiciumRejection(() => ensureDevTls(dir), {
      code: 'CA_STORE_REFUSED',
      reason: 'permissions',
    });
  });

  it('refuses to replace half a development CA', async () => {
    const dir = freshDir();
    const tls = await ensureDevTls(dir);
    await unlink(tls.files.ca.privateKey);
    await expectIndiciumRejection(() => ensureDevTls(dir), {
      code: 'CA_STORE_REFUSED',
      reason: 'incomplete',
    });
  });

  it('leaves an expired development CA for the operator to retire', async () => {
    const dir = freshDir();
    const old = await createDevelopmentCa({
      notBefore: new Date('2015-01-01Z'),
      notAfter: new Date('2025-01-01Z'),
    });
    await saveCertificateAuthority(dir, DEVELOPMENT_CA_NAME, old);
    await expectIndiciumRejection(() => ensureDevTls(dir), {
      code: 'CERTIFICATE_INVALID',
      field: 'caCertificate',
      reason: 'expired',
    });
  });

  it('refuses a bad extra name or renewal window before touching the disk', async () => {
    const dir = freshDir();
    await expectIndiciumRejection(() => ensureDevTls(dir, { extraNames: ['*.lan'] }), {
      code: 'INVALID_FIELD',
      field: 'extraNames',
    });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    for (const renewWithinDays of [-1, Number.NaN]) {
      await expectIndiciumRejection(() => ensureDevTls(dir, { renewWithinDays }), {
        code: 'INVALID_FIELD',
        field: 'renewWithinDays',
      });
    }
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
