import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsGet, startHttpsServer, stopHttpsServer } from '../../test/support/https-fixture.js';
import { createDevelopmentCa } from './create-development-ca.js';
import { type DevTls, ensureDevTls } from './ensure-dev-tls.js';

describe('the development TLS certificate in a real HTTPS handshake', () => {
  let dir: string;
  let tls: DevTls;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'indicium-https-'));
    tls = await ensureDevTls(join(dir, 'tls'));
    ({ server, port } = await startHttpsServer({ key: tls.key, cert: tls.cert }));
  });
  afterAll(async () => {
    await stopHttpsServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('is trusted by a client that trusts only the development CA, by IP and by name', async () => {
    expect(await httpsGet({ port, ca: tls.ca })).toBe('hello');
    expect(await httpsGet({ port, ca: tls.ca, servername: 'localhost' })).toBe('hello');
  });

  it('is refused by a client that does not trust the development CA', async () => {
    await expect(httpsGet({ port })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('is refused by a client that trusts another development CA', async () => {
    const other = await createDevelopmentCa();
    await expect(httpsGet({ port, ca: other.certificatePem })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('is refused for a host name it does not name', async () => {
    await expect(httpsGet({ port, ca: tls.ca, servername: 'example.com' })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('passes Node’s server identity check for ::1 as well', () => {
    const peer = new X509Certificate(tls.cert).toLegacyObject() as PeerCertificate;
    expect(checkServerIdentity('::1', peer)).toBeUndefined();
    expect(checkServerIdentity('127.0.0.1', peer)).toBeUndefined();
    expect(checkServerIdentity('::2', peer)).toBeInstanceOf(Error);
  });
});
