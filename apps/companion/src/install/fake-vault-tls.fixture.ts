import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Certificates made by the openssl command (independent of our code): two CAs and a TLS leaf. */
export interface TestPki {
  readonly postalCaPem: string;
  readonly tlsCaPem: string;
  readonly otherCaPem: string;
  readonly leafPem: string;
  readonly leafKeyPem: string;
}

async function makeCa(dir: string, name: string): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.pem`),
  ]);
}

export async function makeTestPki(dir: string): Promise<TestPki> {
  await Promise.all([makeCa(dir, 'postal-ca'), makeCa(dir, 'tls-ca'), makeCa(dir, 'other-ca')]);
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    join(dir, 'leaf.key'),
    '-out',
    join(dir, 'leaf.csr'),
  ]);
  await writeFile(
    join(dir, 'leaf.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    join(dir, 'leaf.csr'),
    '-CA',
    join(dir, 'tls-ca.pem'),
    '-CAkey',
    join(dir, 'tls-ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    join(dir, 'leaf.ext'),
    '-out',
    join(dir, 'leaf.pem'),
  ]);
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  return {
    postalCaPem: await read('postal-ca.pem'),
    tlsCaPem: await read('tls-ca.pem'),
    otherCaPem: await read('other-ca.pem'),
    leafPem: await read('leaf.pem'),
    leafKeyPem: await read('leaf.key'),
  };
}

/** A stand-in for the vault's two public GETs this part uses: `/v1/ca` and `/healthz`, over real TLS. */
export async function startCaServer(pki: TestPki): Promise<{ url: string; server: Server }> {
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem }, (req, res) => {
    if (req.url === '/v1/ca') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(pki.postalCaPem);
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
