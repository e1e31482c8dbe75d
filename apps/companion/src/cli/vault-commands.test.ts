import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDataDir } from '../config/companion-config.js';
import { createVaultClient } from '../vault/create-vault-client.js';
import { runCli } from './companion-cli.js';

/** The vault commands' own CLI surface; their work against a real vault is in test/vault-client.process.test.ts. */
let root: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'companion-vault-cli-'));
  dataDir = join(root, 'data');
  await ensureDataDir(dataDir);
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function cli(args: string[], input = '') {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  stdin.end(input);
  const code = await runCli(args, {
    stdin,
    stdout,
    stderr,
    env: { INDICIUM_COMPANION_HOME: dataDir },
    home: root,
    vault: createVaultClient({ dataDir: () => dataDir }),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const METER = '00042-00001-0000001001';
const print = (extra: string[]) => [
  'print',
  '--meter',
  METER,
  '--user',
  'ada',
  '--rate-category',
  'FCLT',
  '--origin-zip',
  '10001',
  '--medium',
  'letter',
  ...extra,
];

describe('companion register / print (with a vault client)', () => {
  it('both have --help naming their options', async () => {
    const register = await cli(['register', '--help']);
    expect(register.code).toBe(0);
    for (const option of ['--meter', '--customer', '--user', '--token', '--mode']) {
      expect(register.stdout).toContain(option);
    }
    const printHelp = await cli(['print', '--help']);
    expect(printHelp.code).toBe(0);
    for (const option of [
      '--postage-mills',
      '--rate-category',
      '--origin-zip',
      '--medium',
      '--from',
      '--to',
    ]) {
      expect(printHelp.stdout).toContain(option);
    }
    expect((await cli(['--help'])).stdout).toMatch(/register[\s\S]*print/);
  });

  it('usage errors exit 2 before anything runs: missing options, postage that is not whole mills', async () => {
    expect((await cli(['register', '--meter', METER])).code).toBe(2);
    expect((await cli(print(['--postage-mills', '0.73']))).code).toBe(2);
    expect((await cli(print(['--postage-mills', '-5']))).code).toBe(2);
    expect((await cli(print(['--postage-mills', '730', '--medium', 'napkin']))).code).toBe(2);
  });

  it('values outside the page call schema are INVALID_INPUT naming the field, before the passphrase or the vault', async () => {
    const zip = await cli(print(['--postage-mills', '730', '--destination-zip', '9450']));
    expect(zip.code).toBe(1);
    expect(zip.stderr).toContain('INVALID_INPUT');
    expect(zip.stderr).toContain('transaction.destinationZip');
    const token = await cli(
      ['register', '--meter', METER, '--customer', 'c1', '--user', 'ada', '--token', 'not a token'],
      'a long enough passphrase\n',
    );
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('(field: registrationToken)');
    const short = await cli(
      ['register', '--meter', METER, '--customer', 'c1', '--user', 'ada', '--token', 'A'.repeat(43)],
      'short\n',
    );
    expect(short.stderr).toContain('(field: passphrase)');
  });

  it('with no vault pinned: register is CA_NOT_PINNED; print, which unlocks first, is NOT_REGISTERED', async () => {
    const result = await cli(print(['--postage-mills', '730']), 'a long enough passphrase\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('NOT_REGISTERED');
    const register = await cli(
      ['register', '--meter', METER, '--customer', 'c1', '--user', 'ada', '--token', 'A'.repeat(43)],
      'a long enough passphrase\n',
    );
    expect(register.stderr).toContain('CA_NOT_PINNED');
    expect(await createVaultClient({ dataDir: () => dataDir }).reachable()).toBe(false);
  });
});
