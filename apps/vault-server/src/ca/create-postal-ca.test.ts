import { createPublicKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { extensionBlock, opensslText, opensslVerify } from '../../test/support/openssl-cli.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createCertificateAuthority } from './create-certificate-authority.js';
import { createDevelopmentCa, DEVELOPMENT_CA_SUBJECT } from './create-development-ca.js';
import { createPostalCa, POSTAL_CA_SUBJECT } from './create-postal-ca.js';
import { readCertificateExtensions } from './read-certificate-extensions.js';
import { validityPeriodOf } from './validity-period.js';

const NOW = new Date('2026-03-01T12:00:00Z');

describe('createPostalCa (DESIGN §2, §5)', () => {
  let ca: CertificateAuthority;
  let text: string;
  beforeAll(async () => {
    ca = await createPostalCa({ now: NOW });
    text = opensslText(ca.certificatePem);
  });

  it('says SAMPLE in its subject and is self-issued', () => {
    expect(POSTAL_CA_SUBJECT).toContain('NOT VALID FOR POSTAGE');
    expect(ca.certificate.subject).toBe('CN=Indicium Sample Postal CA (NOT VALID FOR POSTAGE)\nO=Indicium');
    expect(ca.certificate.issuer).toBe(ca.certificate.subject);
    expect(text).toContain('Subject: CN = Indicium Sample Postal CA (NOT VALID FOR POSTAGE), O = Indicium');
  });

  it('is a critical CA:true pathlen 0 with critical keyCertSign + cRLSign and a subject key id', () => {
    expect(ca.certificate.ca).toBe(true);
    expect(extensionBlock(text, 'X509v3 Basic Constraints')).toBe(
      'X509v3 Basic Constraints: critical\nCA:TRUE, pathlen:0',
    );
    expect(extensionBlock(text, 'X509v3 Key Usage')).toBe(
      'X509v3 Key Usage: critical\nCertificate Sign, CRL Sign',
    );
    const extensions = readCertificateExtensions(ca.certificate);
    expect(extensions.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(extensionBlock(text, 'X509v3 Subject Key Identifier')).toContain(
      extensions.subjectKeyId?.toUpperCase().match(/../g)?.join(':') ?? 'missing',
    );
  });

  it('uses ECDSA P-256 with SHA-256 and a key that matches its private key', () => {
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('NIST CURVE: P-256');
    expect(createPublicKey(ca.privateKey).equals(ca.certificate.publicKey)).toBe(true);
    expect(ca.certificate.verify(ca.certificate.publicKey)).toBe(true);
  });

  it('is valid for 10 years by default, backdated a little for clock skew', () => {
    const { notBefore, notAfter } = validityPeriodOf(ca.certificate, 'caCertificate');
    expect(notBefore.toISOString()).toBe('2026-03-01T11:55:00.000Z');
    expect(notAfter.toISOString()).toBe('2036-03-01T12:00:00.000Z');
  });

  it('passes openssl verify as its own trust anchor, strict mode', () => {
    const result = opensslVerify(ca.certificatePem, ca.certificatePem);
    expect(result.output).toContain(': OK');
    expect(result.ok).toBe(true);
  });

  it('takes a configured validity', async () => {
    const notBefore = new Date('2026-01-01T00:00:00Z');
    const notAfter = new Date('2028-01-01T00:00:00Z');
    const short = await createPostalCa({ notBefore, notAfter });
    expect(validityPeriodOf(short.certificate, 'caCertificate')).toEqual({ notBefore, notAfter });
  });

  it('gets a fresh key and a random 128-bit serial each time', async () => {
    const other = await createPostalCa({ now: NOW });
    expect(other.certificate.publicKey.equals(ca.certificate.publicKey)).toBe(false);
    expect(other.certificate.serialNumber).not.toBe(ca.certificate.serialNumber);
    expect(ca.certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });

  it('refuses a validity period that ends before it starts', async () => {
    await expectIndiciumRejection(
      () => createPostalCa({ notBefore: new Date('2030-01-01Z'), notAfter: new Date('2029-01-01Z') }),
      { code: 'INVALID_FIELD', field: 'notAfter' },
    );
    await expectIndiciumRejection(() => createPostalCa({ notBefore: new Date('nonsense') }), {
      code: 'INVALID_FIELD',
      field: 'notBefore',
    });
  });
});

describe('createDevelopmentCa (DESIGN §6)', () => {
  it('is a separate root named as the local development CA', async () => {
    const dev = await createDevelopmentCa();
    expect(DEVELOPMENT_CA_SUBJECT).toBe('CN=Indicium Local Development CA, O=Indicium');
    expect(dev.certificate.subject).toBe('CN=Indicium Local Development CA\nO=Indicium');
    expect(opensslVerify(dev.certificatePem, dev.certificatePem).ok).toBe(true);
  });
});

describe('createCertificateAuthority', () => {
  it('makes a CA with any subject, e.g. a gateway CA', async () => {
    const gateway = await createCertificateAuthority({ subject: 'CN=Office Gateway CA, O=Indicium' });
    expect(gateway.certificate.subject).toBe('CN=Office Gateway CA\nO=Indicium');
    expect(gateway.certificate.ca).toBe(true);
  });
});
