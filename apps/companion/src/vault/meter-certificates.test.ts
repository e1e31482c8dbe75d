import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../install/fake-vault-tls.fixture.js';
import { makeCa, makeLeaf, type TestCa, type TestLeaf } from '../protocol/test-pki.fixture.js';
import { MeterCertificates } from './meter-certificates.js';
import { VaultHttp } from './vault-http.js';

const METER = '00042-00001-0000001001';
let dir: string;
let tls: TestPki;
let postal: TestCa;
let meter: TestLeaf;
let foreign: TestLeaf;
let server: Server;
let url: string;
let served: string;
let fetches = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'companion-certs-'));
  tls = await makeTestPki(dir);
  postal = await makeCa(dir, 'postal2');
  const other = await makeCa(dir, 'other2');
  [meter, foreign] = await Promise.all([
    makeLeaf(dir, postal, { name: 'm', cn: METER, serial: 4242 }),
    makeLeaf(dir, other, { name: 'f', cn: METER, serial: 4242 }),
  ]);
  served = meter.pem;
  server = createServer(
    { key: tls.leafKeyPem, cert: tls.leafPem },
    (req: IncomingMessage, res: ServerResponse) => {
      fetches += 1;
      if (req.url === '/v1/certificates/4242') res.writeHead(200).end(served);
      else
        res.writeHead(404).end(
          JSON.stringify({
            protocol: 1,
            error: { code: 'NOT_FOUND', message: 'm', actor: 'developer', nextStep: 'n' },
          }),
        );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const certificates = (cacheDir: string) =>
  new MeterCertificates(new VaultHttp({ url, tlsCaPem: tls.tlsCaPem }), postal.pem, { dir: cacheDir });

describe('MeterCertificates (DESIGN §5: by serial, chained to the pinned postal CA, cached)', () => {
  it('fetches once, then serves from memory and, in a new session, from the owner-only disk cache', async () => {
    const cacheDir = join(dir, 'cache-a');
    fetches = 0;
    const first = certificates(cacheDir);
    const key = await first.publicKey(4242, METER);
    expect(await first.publicKey(4242, METER)).toBe(key);
    expect(fetches).toBe(1);
    expect((await stat(join(cacheDir, '4242.pem'))).mode & 0o777).toBe(0o600);
    const next = await certificates(cacheDir).publicKey(4242, METER);
    expect(next.equals(key)).toBe(true);
    expect(fetches).toBe(1);
  });

  it('a cached file that no longer verifies is fetched afresh and replaced', async () => {
    const cacheDir = join(dir, 'cache-b');
    await certificates(cacheDir).publicKey(4242, METER);
    await writeFile(join(cacheDir, '4242.pem'), foreign.pem);
    fetches = 0;
    await certificates(cacheDir).publicKey(4242, METER);
    expect(fetches).toBe(1);
    expect(await readFile(join(cacheDir, '4242.pem'), 'utf8')).toBe(meter.pem);
  });

  it('the vault serving a certificate from another CA, or none, is CERTIFICATE_INVALID; nothing is cached', async () => {
    const cacheDir = join(dir, 'cache-c');
    served = foreign.pem;
    const error = await certificates(cacheDir)
      .publicKey(4242, METER)
      .catch((e: unknown) => e);
    served = meter.pem;
    expect(error).toBeInstanceOf(IndiciumError);
    expect(error).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'certificate' });
    await expect(stat(join(cacheDir, '4242.pem'))).rejects.toThrow();
    const unknown = await certificates(cacheDir)
      .publicKey(4243, METER)
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'certificateSerial' });
  });

  it('a certificate for another meter is refused even when the serial matches', async () => {
    const error = await certificates(join(dir, 'cache-d'))
      .publicKey(4242, '00042-00001-0000001002')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'deviceId' });
  });
});
