import type { KeyObject } from 'node:crypto';
import type { Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsGet, startHttpsServer, stopHttpsServer } from '../../test/support/https-fixture.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createCertificateAuthority } from './create-certificate-authority.js';
import { issueClientCertificate } from './issue-client-certificate.js';
import { issueServerCertificate } from './issue-server-certificate.js';
import { generateP256KeyPair } from './p256-key-pair.js';

const pkcs8 = (keys: { privateKey: KeyObject }): string =>
  keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('client certificates in a real mutual-TLS handshake (DESIGN §9)', () => {
  let gatewayCa: CertificateAuthority;
  let server: Server;
  let port: number;
  // The same TLS settings, but it completes the handshake and reports OpenSSL's verdict as the body.
  let reportingServer: Server;
  let reportingPort: number;
  beforeAll(async () => {
    gatewayCa = await createCertificateAuthority({ subject: 'CN=Office Gateway CA, O=Indicium' });
    const serverKeys = await generateP256KeyPair();
    const cert = await issueServerCertificate(gatewayCa, { publicKey: serverKeys.publicKey });
    const options = { key: pkcs8(serverKeys), cert, ca: gatewayCa.certificatePem, requestCert: true };
    ({ server, port } = await startHttpsServer({ ...options, rejectUnauthorized: true }));
    ({ server: reportingServer, port: reportingPort } = await startHttpsServer({
      ...options,
      rejectUnauthorized: false,
    }));
  });
  afterAll(async () => {
    await stopHttpsServer(server);
    await stopHttpsServer(reportingServer);
  });

  it('lets a paired machine in and tells the server who it is', async () => {
    const keys = await generateP256KeyPair();
    const cert = await issueClientCertificate(gatewayCa, {
      commonName: 'front-desk-pc',
      publicKey: keys.publicKey,
    });
    const client = { ca: gatewayCa.certificatePem, key: pkcs8(keys), cert };
    expect(await httpsGet({ port, ...client })).toBe('hello front-desk-pc');
    expect(await httpsGet({ port: reportingPort, ...client })).toBe('hello front-desk-pc');
  });

  it('refuses a machine with no certificate', async () => {
    await expect(httpsGet({ port, ca: gatewayCa.certificatePem })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
  });

  it('refuses a client certificate from another CA', async () => {
    const stranger = await createCertificateAuthority({ subject: 'CN=Office Gateway CA, O=Indicium' });
    const keys = await generateP256KeyPair();
    const cert = await issueClientCertificate(stranger, {
      commonName: 'front-desk-pc',
      publicKey: keys.publicKey,
    });
    const client = { ca: gatewayCa.certificatePem, key: pkcs8(keys), cert };
    // TLS 1.3: the server's alert arrives after the client's side of the handshake, as a reset.
    await expect(httpsGet({ port, ...client })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await httpsGet({ port: reportingPort, ...client })).toBe(
      'unauthorized UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });

  it('refuses a server-only certificate used as a client certificate', async () => {
    const keys = await generateP256KeyPair();
    const cert = await issueServerCertificate(gatewayCa, { publicKey: keys.publicKey });
    const client = { ca: gatewayCa.certificatePem, key: pkcs8(keys), cert };
    await expect(httpsGet({ port, ...client })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await httpsGet({ port: reportingPort, ...client })).toBe('unauthorized INVALID_PURPOSE');
  });
});
