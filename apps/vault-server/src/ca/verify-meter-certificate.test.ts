import { X509Certificate } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { opensslVerify } from '../../test/support/openssl-cli.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { randomSerialHex } from './certificate-serial.js';
import { createCertificateAuthority } from './create-certificate-authority.js';
import { createPostalCa } from './create-postal-ca.js';
import { issueLeafCertificate } from './issue-leaf-certificate.js';
import { issueMeterCertificate } from './issue-meter-certificate.js';
import { generateP256KeyPair, type P256KeyPair, toPublicCryptoKey } from './p256-key-pair.js';
import { KeyUsage } from './read-certificate-extensions.js';
import { verifyMeterCertificate } from './verify-meter-certificate.js';
import { x509 } from './x509-library.js';

const DEVICE_ID = '00042-00001-0000001001';
const DAY = 86_400_000;

function toPem(der: Uint8Array): string {
  const base64 =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

describe('verifyMeterCertificate', () => {
  let ca: CertificateAuthority;
  let meter: P256KeyPair;
  let pem: string;
  beforeAll(async () => {
    ca = await createPostalCa({ notBefore: new Date(Date.now() - 30 * DAY) });
    meter = await generateP256KeyPair();
    pem = await issueMeterCertificate(ca, {
      serial: 0xc0ffee01,
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
    });
  });

  it('accepts a good certificate and returns its serial, key and validity', () => {
    const verified = verifyMeterCertificate(pem, ca.certificatePem, {
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
    });
    expect(verified.serial).toBe(0xc0ffee01);
    expect(verified.deviceId).toBe(DEVICE_ID);
    expect(verified.publicKey.equals(meter.publicKey)).toBe(true);
    expect(verified.notAfter.getTime() - verified.notBefore.getTime()).toBeGreaterThan(3 * 365 * DAY);
    expect(verified.fingerprint256).toBe(new X509Certificate(pem).fingerprint256);
    expect(opensslVerify(ca.certificatePem, pem).ok).toBe(true);
  });

  it('accepts the expected key in any supported form, and no expected key at all', () => {
    const der = meter.publicKey.export({ format: 'der', type: 'spki' });
    for (const publicKey of [
      der,
      der.subarray(der.length - 65),
      meter.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    ]) {
      expect(verifyMeterCertificate(pem, ca.certificatePem, { deviceId: DEVICE_ID, publicKey }).serial).toBe(
        0xc0ffee01,
      );
    }
    expect(verifyMeterCertificate(pem, ca.certificatePem, { deviceId: DEVICE_ID }).serial).toBe(0xc0ffee01);
  });

  it('refuses a certificate issued by another CA, even one with the same name', async () => {
    const impostor = await createPostalCa();
    const forged = await issueMeterCertificate(impostor, {
      serial: 1,
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
    });
    expectIndiciumError(() => verifyMeterCertificate(forged, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'issuer',
    });
    expect(opensslVerify(ca.certificatePem, forged).ok).toBe(false);
    const stranger = await createCertificateAuthority({ subject: 'CN=Somebody Else CA' });
    const other = await issueMeterCertificate(stranger, {
      serial: 1,
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
    });
    expectIndiciumError(() => verifyMeterCertificate(other, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'issuer',
    });
  });

  it('refuses an expired certificate, and one not yet valid', async () => {
    const expired = await issueMeterCertificate(ca, {
      serial: 2,
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
      notBefore: new Date(Date.now() - 10 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    expectIndiciumError(() => verifyMeterCertificate(expired, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'expired',
    });
    expect(opensslVerify(ca.certificatePem, expired).output).toContain('certificate has expired');
    // …but it was good while it lasted.
    const at = new Date(Date.now() - 2 * DAY);
    expect(verifyMeterCertificate(expired, ca.certificatePem, { deviceId: DEVICE_ID, at }).serial).toBe(2);

    const early = await issueMeterCertificate(ca, {
      serial: 3,
      deviceId: DEVICE_ID,
      publicKey: meter.publicKey,
      notBefore: new Date(Date.now() + DAY),
    });
    expectIndiciumError(() => verifyMeterCertificate(early, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'not-yet-valid',
    });
    expect(opensslVerify(ca.certificatePem, early).output).toContain('certificate is not yet valid');
  });

  it('checks the CA validity too', () => {
    expectIndiciumError(
      () =>
        verifyMeterCertificate(pem, ca.certificatePem, {
          deviceId: DEVICE_ID,
          at: new Date(Date.now() - 365 * DAY),
        }),
      { code: 'CERTIFICATE_INVALID', field: 'caCertificate', reason: 'not-yet-valid' },
    );
    expectIndiciumError(
      () =>
        verifyMeterCertificate(pem, ca.certificatePem, {
          deviceId: DEVICE_ID,
          at: new Date(Date.now() + 11 * 365 * DAY),
        }),
      { code: 'CERTIFICATE_INVALID', field: 'caCertificate', reason: 'expired' },
    );
  });

  it('refuses a certificate for another device', () => {
    expectIndiciumError(
      () => verifyMeterCertificate(pem, ca.certificatePem, { deviceId: '00042-00001-0000001002' }),
      {
        code: 'CERTIFICATE_INVALID',
        field: 'deviceId',
        reason: 'device-id',
      },
    );
  });

  it('refuses a subject that carries more than the device id', async () => {
    const extra = await issueLeafCertificate(ca, {
      subject: [{ CN: [DEVICE_ID] }, { O: ['Indicium'] }],
      publicKey: meter.publicKey,
      serialNumberHex: '0a',
      validity: { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) },
      now: new Date(),
      keyUsage: KeyUsage.digitalSignature,
    });
    expectIndiciumError(() => verifyMeterCertificate(extra, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'deviceId',
      reason: 'device-id',
    });
  });

  it('refuses a certificate for another key', async () => {
    const other = await generateP256KeyPair();
    expectIndiciumError(
      () =>
        verifyMeterCertificate(pem, ca.certificatePem, { deviceId: DEVICE_ID, publicKey: other.publicKey }),
      { code: 'CERTIFICATE_INVALID', field: 'publicKey', reason: 'public-key' },
    );
  });

  it('refuses a CA:true certificate signed by the real CA', async () => {
    const publicKey = await toPublicCryptoKey(meter.publicKey);
    const caParsed = new x509.X509Certificate(ca.certificate.raw);
    const rogue = await x509.X509CertificateGenerator.create({
      serialNumber: '0b',
      issuer: caParsed.subjectName,
      subject: [{ CN: [DEVICE_ID] }],
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
      publicKey,
      signingKey: ca.signingKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        new x509.AuthorityKeyIdentifierExtension(
          caParsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '',
        ),
      ],
    });
    expectIndiciumError(
      () => verifyMeterCertificate(rogue.toString('pem'), ca.certificatePem, { deviceId: DEVICE_ID }),
      {
        code: 'CERTIFICATE_INVALID',
        field: 'certificate',
        reason: 'is-a-ca',
      },
    );
  });

  it('refuses a certificate the real CA signed with another hash than SHA-256', async () => {
    const publicKey = await toPublicCryptoKey(meter.publicKey);
    const caParsed = new x509.X509Certificate(ca.certificate.raw);
    const sha384 = await x509.X509CertificateGenerator.create({
      serialNumber: '0d',
      issuer: caParsed.subjectName,
      subject: [{ CN: [DEVICE_ID] }],
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
      publicKey,
      signingKey: ca.signingKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        new x509.AuthorityKeyIdentifierExtension(
          caParsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '',
        ),
      ],
    });
    const pem384 = sha384.toString('pem');
    // OpenSSL alone accepts it: the algorithm pin is ours.
    expect(opensslVerify(ca.certificatePem, pem384).ok).toBe(true);
    expectIndiciumError(() => verifyMeterCertificate(pem384, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'algorithm',
    });
  });

  it('refuses a leaf whose key usage allows certificate signing', async () => {
    const signer = await issueLeafCertificate(ca, {
      subject: [{ CN: [DEVICE_ID] }],
      publicKey: meter.publicKey,
      serialNumberHex: '0c',
      validity: { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) },
      now: new Date(),
      keyUsage: KeyUsage.digitalSignature | KeyUsage.keyCertSign,
    });
    expectIndiciumError(() => verifyMeterCertificate(signer, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'key-usage',
    });
  });

  it('refuses a serial that does not fit the indicium field', async () => {
    const wide = await issueLeafCertificate(ca, {
      subject: [{ CN: [DEVICE_ID] }],
      publicKey: meter.publicKey,
      serialNumberHex: randomSerialHex(),
      validity: { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) },
      now: new Date(),
      keyUsage: KeyUsage.digitalSignature,
    });
    expectIndiciumError(() => verifyMeterCertificate(wide, ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'serial',
    });
  });

  it('refuses a certificate whose signed bytes were changed (device id digit)', () => {
    const der = Buffer.from(new X509Certificate(pem).raw);
    const at = der.indexOf(Buffer.from(DEVICE_ID, 'ascii'));
    expect(at).toBeGreaterThan(0);
    der[at + DEVICE_ID.length - 1] = '2'.charCodeAt(0);
    const tampered = toPem(der);
    expect(new X509Certificate(tampered).subject).toBe('CN=00042-00001-0000001002');
    expectIndiciumError(
      () => verifyMeterCertificate(tampered, ca.certificatePem, { deviceId: '00042-00001-0000001002' }),
      { code: 'CERTIFICATE_INVALID', field: 'certificate', reason: 'signature' },
    );
    expect(opensslVerify(ca.certificatePem, tampered).ok).toBe(false);
  });

  it('refuses every single-byte change anywhere in the certificate', () => {
    const der = Buffer.from(new X509Certificate(pem).raw);
    for (let offset = 0; offset < der.length; offset++) {
      for (const mask of [0x01, 0x80]) {
        const changed = Buffer.from(der);
        changed[offset] = (changed[offset] ?? 0) ^ mask;
        let refusal: unknown;
        try {
          verifyMeterCertificate(toPem(changed), ca.certificatePem, { deviceId: DEVICE_ID });
        } catch (error) {
          refusal = error;
        }
        // Whatever broke (DER, issuer, signature), it is the certificate that is refused.
        expect(refusal, `byte ${offset} ^ ${mask}`).toBeInstanceOf(IndiciumError);
        expect((refusal as IndiciumError).code).toBe('CERTIFICATE_INVALID');
        expect((refusal as IndiciumError).field).toBe('certificate');
      }
    }
  });

  it('refuses a damaged CA certificate and a leaf in the CA slot', () => {
    const caDer = Buffer.from(ca.certificate.raw);
    caDer[caDer.length - 10] = (caDer[caDer.length - 10] ?? 0) ^ 0x01;
    expectIndiciumError(() => verifyMeterCertificate(pem, toPem(caDer), { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'caCertificate',
      reason: 'signature',
    });
    expectIndiciumError(() => verifyMeterCertificate(pem, pem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'caCertificate',
      reason: 'not-a-ca',
    });
  });

  it('refuses text that is not a certificate', () => {
    expectIndiciumError(() => verifyMeterCertificate('hello', ca.certificatePem, { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
      reason: 'malformed',
    });
    expectIndiciumError(() => verifyMeterCertificate(pem, '', { deviceId: DEVICE_ID }), {
      code: 'CERTIFICATE_INVALID',
      field: 'caCertificate',
      reason: 'malformed',
    });
  });

  it('refuses malformed expectations as a caller bug', () => {
    expectIndiciumError(() => verifyMeterCertificate(pem, ca.certificatePem, { deviceId: '42-1-1001' }), {
      code: 'INVALID_FIELD',
      field: 'deviceId',
    });
    expectIndiciumError(
      () => verifyMeterCertificate(pem, ca.certificatePem, { deviceId: DEVICE_ID, at: new Date('never') }),
      { code: 'INVALID_FIELD', field: 'at' },
    );
    expectIndiciumError(
      () =>
        verifyMeterCertificate(pem, ca.certificatePem, { deviceId: DEVICE_ID, publicKey: meter.privateKey }),
      { code: 'INVALID_FIELD', field: 'publicKey' },
    );
  });
});
