import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { extensionBlock, opensslText, opensslVerify } from '../../test/support/openssl-cli.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createPostalCa } from './create-postal-ca.js';
import { issueMeterCertificate } from './issue-meter-certificate.js';
import { generateP256KeyPair, type P256KeyPair } from './p256-key-pair.js';
import { readCertificateExtensions } from './read-certificate-extensions.js';
import { validityPeriodOf } from './validity-period.js';

const DEVICE_ID = '00042-00001-0000001001';

describe('issueMeterCertificate (DESIGN §5)', () => {
  let ca: CertificateAuthority;
  let meter: P256KeyPair;
  beforeAll(async () => {
    ca = await createPostalCa();
    meter = await generateP256KeyPair();
  });

  it('binds the device id and the indicium key under the postal CA, as OpenSSL reads it', async () => {
    const pem = await issueMeterCertificate(ca, {
      serial: 1001,
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
    });
    const text = opensslText(pem);
    expect(text).toContain('Serial Number: 1001 (0x3e9)');
    expect(text).toContain(`Subject: CN = ${DEVICE_ID}\n`);
    expect(text).toContain('Issuer: CN = Indicium Sample Postal CA (NOT VALID FOR POSTAGE), O = Indicium');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('NIST CURVE: P-256');
    expect(extensionBlock(text, 'X509v3 Key Usage')).toBe('X509v3 Key Usage: critical\nDigital Signature');
    expect(extensionBlock(text, 'X509v3 Basic Constraints')).toBe(
      'X509v3 Basic Constraints: critical\nCA:FALSE',
    );
    expect(text).not.toContain('Extended Key Usage');
    const caKeyId = readCertificateExtensions(ca.certificate).subjectKeyId ?? 'missing';
    expect(readCertificateExtensions(new X509Certificate(pem)).authorityKeyId).toBe(caKeyId);
    expect(extensionBlock(text, 'X509v3 Authority Key Identifier')).toContain(
      caKeyId.toUpperCase().match(/../g)?.join(':') ?? 'missing',
    );

    const verify = opensslVerify(ca.certificatePem, pem);
    expect(verify.output).toContain(': OK');
    expect(verify.ok).toBe(true);
  });

  it('uses the caller serial as a positive integer, up to 2^32 - 1', async () => {
    for (const serial of [1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff]) {
      const pem = await issueMeterCertificate(ca, {
        serial,
        deviceId: DEVICE_ID,
        publicKey: meter.publicKey,
      });
      expect(Number.parseInt(new X509Certificate(pem).serialNumber, 16)).toBe(serial);
      expect(opensslText(pem)).toContain(`Serial Number: ${serial} (0x${serial.toString(16)})`);
    }
  });

  it('is valid for 3 years by default, or the period asked for', async () => {
    const now = new Date('2026-06-15T08:00:00Z');
    const ca = await createPostalCa({ now: new Date('2026-01-01T00:00:00Z') });
    const byDefault = new X509Certificate(
      await issueMeterCertificate(ca, { serial: 2, deviceId: DEVICE_ID, publicKey: meter.publicKey, now }),
    );
    expect(validityPeriodOf(byDefault, 'certificate')).toEqual({
      notBefore: new Date('2026-06-15T07:55:00Z'),
      notAfter: new Date('2029-06-15T08:00:00Z'),
    });
    const notBefore = new Date('2026-07-01T00:00:00Z');
    const notAfter = new Date('2027-07-01T00:00:00Z');
    const chosen = new X509Certificate(
      await issueMeterCertificate(ca, {
        serial: 3,
        deviceId: DEVICE_ID,
        publicKey: meter.publicKey,
        notBefore,
        notAfter,
      }),
    );
    expect(validityPeriodOf(chosen, 'certificate')).toEqual({ notBefore, notAfter });
  });

  it('never outlives its CA', async () => {
    const shortCa = await createPostalCa({ notAfter: new Date(Date.now() + 30 * 86_400_000) });
    const leaf = new X509Certificate(
      await issueMeterCertificate(shortCa, { serial: 4, deviceId: DEVICE_ID, publicKey: meter.publicKey }),
    );
    expect(leaf.validTo).toBe(shortCa.certificate.validTo);
  });

  it('accepts the raw uncompressed point a module exports', async () => {
    const der = meter.publicKey.export({ format: 'der', type: 'spki' });
    const pem = await issueMeterCertificate(ca, {
      serial: 5,
      deviceId: DEVICE_ID,
      publicKey: der.subarray(der.length - 65),
    });
    expect(new X509Certificate(pem).publicKey.equals(meter.publicKey)).toBe(true);
  });

  it.each([0, -1, 0x1_0000_0000, 1.5, Number.NaN])('refuses serial %s', async (serial) => {
    await expectIndiciumRejection(
      () => issueMeterCertificate(ca, { serial, deviceId: DEVICE_ID, publicKey: meter.publicKey }),
      { code: 'INVALID_FIELD', field: 'serial' },
    );
  });

  it.each([
    ['42-1-1001', 'deviceId'],
    ['00042-00001-0000001001, CN=evil', 'deviceId'],
    ['99999-00001-0000001001', 'vendorId'],
  ])('refuses device id %j (field %s)', async (deviceId, field) => {
    await expectIndiciumRejection(
      () => issueMeterCertificate(ca, { serial: 6, deviceId, publicKey: meter.publicKey }),
      { code: 'INVALID_FIELD', field },
    );
  });

  it('refuses a private key or a non-P-256 key as the meter key', async () => {
    await expectIndiciumRejection(
      () => issueMeterCertificate(ca, { serial: 7, deviceId: DEVICE_ID, publicKey: meter.privateKey }),
      { code: 'INVALID_FIELD', field: 'publicKey' },
    );
    await expectIndiciumRejection(
      () =>
        issueMeterCertificate(ca, { serial: 7, deviceId: DEVICE_ID, publicKey: new Uint8Array(65).fill(4) }),
      { code: 'INVALID_FIELD', field: 'publicKey' },
    );
  });

  it('refuses an inverted validity period', async () => {
    await expectIndiciumRejection(
      () =>
        issueMeterCertificate(ca, {
          serial: 8,
          deviceId: DEVICE_ID,
          publicKey: meter.publicKey,
          notBefore: new Date('2027-01-01Z'),
          notAfter: new Date('2027-01-01Z'),
        }),
      { code: 'INVALID_FIELD', field: 'notAfter' },
    );
  });

  it('refuses to issue from a CA that has expired or is not yet valid', async () => {
    const expired = await createPostalCa({
      notBefore: new Date('2020-01-01Z'),
      notAfter: new Date('2021-01-01Z'),
    });
    await expectIndiciumRejection(
      () => issueMeterCertificate(expired, { serial: 9, deviceId: DEVICE_ID, publicKey: meter.publicKey }),
      { code: 'CERTIFICATE_INVALID', field: 'caCertificate', reason: 'expired' },
    );
    const future = await createPostalCa({ notBefore: new Date(Date.now() + 86_400_000) });
    await expectIndiciumRejection(
      () => issueMeterCertificate(future, { serial: 9, deviceId: DEVICE_ID, publicKey: meter.publicKey }),
      { code: 'CERTIFICATE_INVALID', field: 'caCertificate', reason: 'not-yet-valid' },
    );
  });
});
