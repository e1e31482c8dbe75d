import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { extensionBlock, opensslText, opensslVerify } from '../../test/support/openssl-cli.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createCertificateAuthority } from './create-certificate-authority.js';
import { issueClientCertificate } from './issue-client-certificate.js';
import { generateP256KeyPair, type P256KeyPair } from './p256-key-pair.js';
import { validityPeriodOf } from './validity-period.js';

describe('issueClientCertificate (DESIGN §9)', () => {
  let ca: CertificateAuthority;
  let keys: P256KeyPair;
  beforeAll(async () => {
    ca = await createCertificateAuthority({ subject: 'CN=Office Gateway CA, O=Indicium' });
    keys = await generateP256KeyPair();
  });

  it('is a clientAuth certificate for the named machine, as OpenSSL reads it', async () => {
    const pem = await issueClientCertificate(ca, { commonName: 'front-desk-pc', publicKey: keys.publicKey });
    const text = opensslText(pem);
    expect(text).toContain('Subject: CN = front-desk-pc\n');
    expect(extensionBlock(text, 'X509v3 Extended Key Usage')).toBe(
      'X509v3 Extended Key Usage:\nTLS Web Client Authentication',
    );
    expect(extensionBlock(text, 'X509v3 Key Usage')).toBe('X509v3 Key Usage: critical\nDigital Signature');
    expect(extensionBlock(text, 'X509v3 Basic Constraints')).toBe(
      'X509v3 Basic Constraints: critical\nCA:FALSE',
    );
    expect(opensslVerify(ca.certificatePem, pem, { purpose: 'sslclient' }).output).toContain(': OK');
    expect(opensslVerify(ca.certificatePem, pem, { purpose: 'sslserver' }).ok).toBe(false);
    expect(new X509Certificate(pem).publicKey.equals(keys.publicKey)).toBe(true);
  });

  it('keeps a name with DN syntax as one CN, never extra attributes', async () => {
    const commonName = 'Reception, O=Evil Corp+CN=admin';
    const cert = new X509Certificate(
      await issueClientCertificate(ca, { commonName, publicKey: keys.publicKey }),
    );
    // One attribute, one line: OpenSSL escapes the separators inside the single CN value.
    expect(cert.subject).toBe('CN=Reception\\, O=Evil Corp\\+CN=admin');
  });

  it('lasts 2 years by default', async () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const early = await createCertificateAuthority({ subject: 'CN=Early CA', now: new Date('2026-01-01Z') });
    const pem = await issueClientCertificate(early, { commonName: 'pc', publicKey: keys.publicKey, now });
    expect(validityPeriodOf(new X509Certificate(pem), 'certificate').notAfter).toEqual(
      new Date('2028-05-01T00:00:00Z'),
    );
  });

  it.each(['', '   ', 'x'.repeat(65), 'line\nbreak', 'bidi\u202Eexe.txt', 'nul\u0000'])(
    'refuses common name %j',
    async (commonName) => {
      await expectIndiciumRejection(
        () => issueClientCertificate(ca, { commonName, publicKey: keys.publicKey }),
        {
          code: 'INVALID_FIELD',
          field: 'commonName',
        },
      );
    },
  );

  it('refuses a private key in place of the public key', async () => {
    await expectIndiciumRejection(
      () => issueClientCertificate(ca, { commonName: 'pc', publicKey: keys.privateKey }),
      {
        code: 'INVALID_FIELD',
        field: 'publicKey',
      },
    );
  });
});
