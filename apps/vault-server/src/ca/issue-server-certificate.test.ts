import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumError, expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { extensionBlock, opensslText, opensslVerify } from '../../test/support/openssl-cli.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createDevelopmentCa } from './create-development-ca.js';
import { issueServerCertificate } from './issue-server-certificate.js';
import { generateP256KeyPair, type P256KeyPair } from './p256-key-pair.js';
import { readCertificateExtensions } from './read-certificate-extensions.js';
import { subjectAltNames } from './subject-alt-names.js';
import { validityPeriodOf } from './validity-period.js';

describe('issueServerCertificate (DESIGN §6)', () => {
  let ca: CertificateAuthority;
  let keys: P256KeyPair;
  beforeAll(async () => {
    ca = await createDevelopmentCa();
    keys = await generateP256KeyPair();
  });

  it('covers localhost, 127.0.0.1 and ::1 for serverAuth, as OpenSSL reads it', async () => {
    const pem = await issueServerCertificate(ca, { publicKey: keys.publicKey });
    const text = opensslText(pem);
    expect(extensionBlock(text, 'X509v3 Subject Alternative Name')).toBe(
      'X509v3 Subject Alternative Name:\nDNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(extensionBlock(text, 'X509v3 Extended Key Usage')).toBe(
      'X509v3 Extended Key Usage:\nTLS Web Server Authentication',
    );
    expect(extensionBlock(text, 'X509v3 Key Usage')).toBe('X509v3 Key Usage: critical\nDigital Signature');
    expect(extensionBlock(text, 'X509v3 Basic Constraints')).toBe(
      'X509v3 Basic Constraints: critical\nCA:FALSE',
    );
    expect(text).toContain('Subject: CN = localhost');

    const verify = opensslVerify(ca.certificatePem, pem, { purpose: 'sslserver' });
    expect(verify.output).toContain(': OK');
    expect(opensslVerify(ca.certificatePem, pem, { purpose: 'sslclient' }).ok).toBe(false);

    const cert = new X509Certificate(pem);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('example.com')).toBeUndefined();
    expect(readCertificateExtensions(cert).extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('adds extra host names and addresses', async () => {
    const pem = await issueServerCertificate(ca, {
      publicKey: keys.publicKey,
      extraNames: ['Vault.LAN', '192.168.1.20', 'fd00::20', 'localhost'],
    });
    const cert = new X509Certificate(pem);
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, DNS:vault.lan, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.1.20, IP Address:FD00:0:0:0:0:0:0:20',
    );
    expect(cert.checkHost('vault.lan')).toBe('vault.lan');
    expect(cert.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(opensslVerify(ca.certificatePem, pem, { purpose: 'sslserver' }).ok).toBe(true);
  });

  it('lasts 397 days by default, under the browsers’ 398-day ceiling', async () => {
    const now = new Date();
    const pem = await issueServerCertificate(ca, { publicKey: keys.publicKey, now });
    const { notAfter } = validityPeriodOf(new X509Certificate(pem), 'certificate');
    expect(Math.round((notAfter.getTime() - now.getTime()) / 86_400_000)).toBe(397);
  });

  it.each([
    '*.example.com',
    'exa mple',
    'a..b',
    '-lead.example',
    'fe80::1%eth0',
    '::ffff:10.0.0.1',
    '',
    'x'.repeat(64),
  ])('refuses extra name %j', async (name) => {
    await expectIndiciumRejection(
      () => issueServerCertificate(ca, { publicKey: keys.publicKey, extraNames: [name] }),
      {
        code: 'INVALID_FIELD',
        field: 'extraNames',
      },
    );
  });

  it('refuses a key that is not P-256', async () => {
    await expectIndiciumRejection(() => issueServerCertificate(ca, { publicKey: keys.privateKey }), {
      code: 'INVALID_FIELD',
      field: 'publicKey',
    });
  });
});

describe('subjectAltNames', () => {
  it('puts the defaults first, lower-cases and removes duplicates', () => {
    expect(subjectAltNames(['LOCALHOST', '::1', 'a.example'])).toEqual({
      dns: ['localhost', 'a.example'],
      ip: ['127.0.0.1', '::1'],
    });
  });

  it('names the field it was given', () => {
    expectIndiciumError(() => subjectAltNames(['bad name'], 'names'), {
      code: 'INVALID_FIELD',
      field: 'names',
    });
  });
});
