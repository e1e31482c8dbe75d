import { execFile } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Test certificates made by the `openssl` command, independent of the code they check: a postal CA
 * and end-entity P-256 certificates under it (a meter certificate names its device id in the CN and
 * carries the indicium's certificate serial as its X.509 serial).
 */
const run = promisify(execFile);

export interface TestCa {
  readonly pem: string;
  readonly keyFile: string;
  readonly certFile: string;
}

export interface TestLeaf {
  readonly pem: string;
  readonly der: Uint8Array;
  readonly privateKey: KeyObject;
}

export async function makeCa(dir: string, name: string, extra: readonly string[] = []): Promise<TestCa> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
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
    ...extra,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { pem: await readFile(certFile, 'utf8'), keyFile, certFile };
}

/** An end-entity P-256 certificate from `ca`: CA:FALSE, digitalSignature, the given serial and CN. */
export async function makeLeaf(
  dir: string,
  ca: TestCa,
  options: { name: string; cn: string; serial: number; days?: number; ca?: boolean },
): Promise<TestLeaf> {
  const base = join(dir, options.name);
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${options.cn}`,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
  ]);
  await writeFile(
    `${base}.ext`,
    options.ca === true
      ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,digitalSignature\n'
      : 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    String(options.serial),
    '-days',
    String(options.days ?? 2),
    '-sha256',
    '-extfile',
    `${base}.ext`,
    '-out',
    `${base}.pem`,
  ]);
  await run('openssl', ['x509', '-in', `${base}.pem`, '-outform', 'DER', '-out', `${base}.der`]);
  return {
    pem: await readFile(`${base}.pem`, 'utf8'),
    der: new Uint8Array(await readFile(`${base}.der`)),
    privateKey: createPrivateKey(await readFile(`${base}.key`, 'utf8')),
  };
}
