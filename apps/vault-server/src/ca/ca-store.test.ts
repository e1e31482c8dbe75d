import { createPublicKey } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { caFilePaths, loadCertificateAuthority, saveCertificateAuthority } from './ca-store.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createPostalCa } from './create-postal-ca.js';
import { issueMeterCertificate } from './issue-meter-certificate.js';
import { openPostalCa, POSTAL_CA_NAME } from './open-postal-ca.js';
import { generateP256KeyPair } from './p256-key-pair.js';
import { verifyMeterCertificate } from './verify-meter-certificate.js';

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('CA store', () => {
  let root: string;
  let ca: CertificateAuthority;
  let n = 0;
  const freshDir = (): string => join(root, `case-${n++}`, 'ca');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'indicium-ca-store-'));
    ca = await createPostalCa();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('saves the key 0600 as PKCS#8 in a 0700 directory, and loads the same CA back', async () => {
    const dir = freshDir();
    const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
    expect(files).toEqual(caFilePaths(dir, 'postal-ca'));
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(files.privateKey)).toBe(0o600);
    expect(await readFile(files.privateKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readFile(files.certificate, 'utf8')).toBe(ca.certificatePem);

    const loaded = await loadCertificateAuthority(dir, 'postal-ca');
    expect(loaded.certificate.fingerprint256).toBe(ca.certificate.fingerprint256);
    expect(createPublicKey(loaded.privateKey).equals(ca.certificate.publicKey)).toBe(true);
    // The loaded CA really signs: a certificate it issues verifies under the original CA certificate.
    const meter = await generateP256KeyPair();
    const deviceId = '00042-00001-0000000007';
    const pem = await issueMeterCertificate(loaded, { serial: 7, deviceId, publicKey: meter.publicKey });
    expect(verifyMeterCertificate(pem, ca.certificatePem, { deviceId }).serial).toBe(7);
  });

  it('keeps the key 0600 even under a permissive umask', async () => {
    const previous = process.umask(0o000);
    try {
      const dir = freshDir();
      const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
      expect(await mode(dir)).toBe(0o700);
      expect(await mode(files.privateKey)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('never overwrites a stored CA', async () => {
    const dir = freshDir();
    const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
    const before = await readFile(files.privateKey, 'utf8');
    const other = await createPostalCa();
    const error = await expectIndiciumRejection(() => saveCertificateAuthority(dir, 'postal-ca', other), {
      code: 'CA_STORE_REFUSED',
      reason: 'exists',
    });
    expect(error.details?.path).toBe(files.privateKey);
    expect(await readFile(files.privateKey, 'utf8')).toBe(before);
    expect(await readFile(files.certificate, 'utf8')).toBe(ca.certificatePem);
  });

  it('refuses to save when only the certificate is there, too', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    await writeFile(caFilePaths(dir, 'postal-ca').certificate, ca.certificatePem);
    await expectIndiciumRejection(() => saveCertificateAuthority(dir, 'postal-ca', ca), {
      code: 'CA_STORE_REFUSED',
      reason: 'exists',
    });
  });

  it('refuses a key file that group or others can read', async () => {
    const dir = freshDir();
    const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
    for (const loose of [0o640, 0o604, 0o660]) {
      await chmod(files.privateKey, loose);
      const error = await expectIndiciumRejection(() => loadCertificateAuthority(dir, 'postal-ca'), {
        code: 'CA_STORE_REFUSED',
        reason: 'permissions',
      });
      expect(error.details?.path).toBe(files.privateKey);
    }
  });

  it('refuses a directory that others can write, on save and on load', async () => {
    const dir = freshDir();
    const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
    await chmod(dir, 0o777);
    const onLoad = await expectIndiciumRejection(() => loadCertificateAuthority(dir, 'postal-ca'), {
      code: 'CA_STORE_REFUSED',
      reason: 'permissions',
    });
    expect(onLoad.details?.path).toBe(dir);
    await unlink(files.certificate);
    await unlink(files.privateKey);
    await expectIndiciumRejection(() => saveCertificateAuthority(dir, 'postal-ca', ca), {
      code: 'CA_STORE_REFUSED',
      reason: 'permissions',
    });
    await chmod(dir, 0o755);
    await saveCertificateAuthority(dir, 'postal-ca', ca);
    expect((await loadCertificateAuthority(dir, 'postal-ca')).certificatePem).toBe(ca.certificatePem);
  });

  it('refuses a key that belongs to another CA', async () => {
    const dir = freshDir();
    const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
    const other = await createPostalCa();
    await writeFile(files.certificate, other.certificatePem);
    await expectIndiciumRejection(() => loadCertificateAuthority(dir, 'postal-ca'), {
      code: 'CERTIFICATE_INVALID',
      field: 'caPrivateKey',
      reason: 'key-mismatch',
    });
  });

  it('refuses a damaged certificate or key file', async () => {
    const dir = freshDir();
    const files = await saveCertificateAuthority(dir, 'postal-ca', ca);
    await writeFile(files.certificate, ca.certificatePem.replace('MII', 'MIJ'));
    await expectIndiciumRejection(() => loadCertificateAuthority(dir, 'postal-ca'), {
      code: 'CERTIFICATE_INVALID',
      field: 'caCertificate',
      reason: 'malformed',
    });
    await writeFile(files.certificate, ca.certificatePem);
    await writeFile(files.privateKey, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    await expectIndiciumRejection(() => loadCertificateAuthority(dir, 'postal-ca'), {
      code: 'CERTIFICATE_INVALID',
      field: 'caPrivateKey',
      reason: 'malformed',
    });
  });

  it('refuses a certificate that is not a CA in the CA slot', async () => {
    const dir = freshDir();
    const meter = await generateP256KeyPair();
    const leafPem = await issueMeterCertificate(ca, {
      serial: 9,
      deviceId: '00042-00001-0000000009',
      publicKey: meter.publicKey,
    });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files = caFilePaths(dir, 'postal-ca');
    await writeFile(files.certificate, leafPem);
    await writeFile(files.privateKey, meter.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      mode: 0o600,
    });
    await expectIndiciumRejection(() => loadCertificateAuthority(dir, 'postal-ca'), {
      code: 'CERTIFICATE_INVALID',
      field: 'caCertificate',
      reason: 'not-a-ca',
    });
  });
});

describe('openPostalCa (first run)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'indicium-postal-ca-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the CA on first run and loads the same one afterwards', async () => {
    const dir = join(root, 'first');
    const first = await openPostalCa(dir);
    expect(first.created).toBe(true);
    expect(await mode(first.files.privateKey)).toBe(0o600);
    expect(first.files.certificate).toBe(join(dir, `${POSTAL_CA_NAME}.cert.pem`));
    const second = await openPostalCa(dir);
    expect(second.created).toBe(false);
    expect(second.ca.certificatePem).toBe(first.ca.certificatePem);
    expect(second.ca.privateKey.equals(first.ca.privateKey)).toBe(true);
  });

  it('refuses a half-stored CA instead of making a new one', async () => {
    const dir = join(root, 'half');
    const { files } = await openPostalCa(dir);
    await unlink(files.certificate);
    const error = await expectIndiciumRejection(() => openPostalCa(dir), {
      code: 'CA_STORE_REFUSED',
      reason: 'incomplete',
    });
    expect(error.details?.path).toBe(files.certificate);
    expect(await mode(files.privateKey)).toBe(0o600);
  });
});
