import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companionPaths } from '../config/companion-paths.js';
import { makeTestPki, startCaServer, type TestPki } from '../install/fake-vault-tls.fixture.js';
import { Journal } from '../journal/journal.js';
import { makeTestIndicium } from '../render/test-indicium.fixture.js';
import { SecretStore } from '../secrets/secret-store.js';
import { runCli } from './companion-cli.js';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
const PASSPHRASE = 'a long enough passphrase';
const METER_ID = '00042-00001-0000001001';
let root: string;
let home: string;
let dataDir: string;
let qaDir: string;
let pki: TestPki;
let vault: { url: string; server: Server };
let indiciumId: string;

/** Runs the CLI in-process; `input` is what the user types (a piped passphrase). */
async function cli(args: string[], input = '', env: NodeJS.ProcessEnv = {}) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  stdin.end(input);
  const code = await runCli(args, { stdin, stdout, stderr, env: { PATH: process.env.PATH, ...env }, home });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-cli-'));
  home = join(root, 'home');
  dataDir = join(home, '.local', 'share', 'indicium-companion');
  qaDir = join(root, 'qa');
  await mkdir(qaDir, { recursive: true });
  await mkdir(join(root, 'pki'));
  pki = await makeTestPki(join(root, 'pki'));
  vault = await startCaServer(pki);
}, 30_000);
afterAll(async () => {
  vault.server.close();
  await rm(root, { recursive: true, force: true });
});

describe('companion CLI (DESIGN §7)', { timeout: 40_000 }, () => {
  it('has --help on every command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const command of [
      'install',
      'uninstall',
      'doctor',
      'unlock',
      'status',
      'history',
      'reprint',
      'printers',
    ]) {
      expect(top.stdout).toContain(command);
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: companion ${command}`);
    }
  });

  it('a usage error exits 2 and says what is wrong', async () => {
    const unknown = await cli(['print-money']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'print-money'");
    const missing = await cli(['reprint', 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--medium');
  });

  it('doctor before install: one failure with its next step, exit 1', async () => {
    const result = await cli(['doctor']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✖ install: no install in');
    expect(result.stdout).toContain('→ Run `companion install --extension-id ID --origin https://…`.');
  });

  it('install, with progress, then status and printers', async () => {
    const installed = await cli([
      'install',
      '--extension-id',
      EXT,
      '--origin',
      'https://meter.example',
      '--print-folder',
      `qa=${qaDir}`,
      '--browser',
      'chromium',
    ]);
    expect(installed.stderr).toContain('… writing the chromium manifest');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(
      join(home, '.config/chromium/NativeMessagingHosts/com.indicium.companion.json'),
    );
    const status = await cli(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({
      companionVersion: '0.1.0',
      locked: true,
      registrations: [],
      vault: 'not-configured',
    });
    const printers = await cli(['printers']);
    expect(printers.stdout).toContain(`folder:qa  Folder ${qaDir}`);
  });

  it('an install refusal prints its code and next step, exit 1', async () => {
    const result = await cli(['install', '--extension-id', EXT, '--origin', 'http://meter.example']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✖ INVALID_INPUT:');
    expect(result.stderr).toContain('    → ');
  });

  it('doctor after install: the host starts; the missing vault is named with its next step', async () => {
    const result = await cli(['doctor']);
    expect(result.stdout).toContain('✔ extension:');
    expect(result.stdout).toContain('✔ chromium manifest:');
    expect(result.stdout).toContain('✔ launcher:');
    expect(result.stdout).toContain('✔ companion start: the host answers hello (companion 0.1.0)');
    expect(result.stdout).toContain('✖ vault: no vault pinned');
    expect(result.stdout).toContain('→ Run `companion install --vault URL --ca FILE`.');
    expect(result.stdout).toMatch(/[✔!✖] printer:/);
    expect(result.code).toBe(1);
  }, 40_000);

  it('doctor sees the pinned vault over TLS once installed with --vault', async () => {
    await writeFile(join(root, 'postal-ca.pem'), pki.postalCaPem);
    await writeFile(join(root, 'tls-ca.pem'), pki.tlsCaPem);
    const installed = await cli([
      'install',
      '--vault',
      vault.url,
      '--ca',
      join(root, 'postal-ca.pem'),
      '--tls-ca',
      join(root, 'tls-ca.pem'),
    ]);
    expect(installed.code).toBe(0);
    const result = await cli(['doctor']);
    expect(result.stdout).toContain(`✔ vault: ${vault.url} answers over pinned TLS (HTTP 200)`);
    const status = await cli(['status', '--json']);
    expect(JSON.parse(status.stdout).vault).toBe('reachable');
  }, 40_000);

  describe('with secrets and a journal', () => {
    beforeAll(async () => {
      const paths = companionPaths(dataDir);
      const store = new SecretStore({
        file: paths.secrets,
        idleTimeoutMs: 60_000,
        scrypt: { N: 2 ** 14, r: 8, p: 1 },
      });
      await store.create(PASSPHRASE, {
        meterId: METER_ID,
        userId: 'ada',
        customerId: 'cust-1',
        hmk: new Uint8Array(randomBytes(32)),
        moduleChallenge: null,
        ascendingRegisterMills: 0,
        descendingRegisterMills: 500_000,
        registeredAt: '2026-11-26T17:00:00.000Z',
      });
      store.lock();
      const journal = await Journal.open({ file: paths.journal, lockFile: paths.journalLock });
      ({ indiciumId } = await journal.recordIssued({
        meterId: METER_ID,
        userId: 'ada',
        requestMac: new Uint8Array(32),
        indicium: makeTestIndicium(),
        medium: 'letter',
      }));
    });

    it('unlock checks the passphrase from stdin', async () => {
      const wrong = await cli(['unlock'], 'wrong passphrase\n');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('✖ PASSPHRASE_WRONG');
      const right = await cli(['unlock'], `${PASSPHRASE}\n`);
      expect(right.code).toBe(0);
      expect(right.stdout).toContain('the passphrase opens the secrets');
      const status = await cli(['status']);
      expect(status.stdout).toContain(`registered: ada@${METER_ID}`);
    });

    it('history, then reprint once into a folder (passphrase asked), then ALREADY_PRINTED', async () => {
      const history = await cli(['history', '--meter', METER_ID]);
      expect(history.stdout).toContain(`${indiciumId}`);
      expect(history.stdout).toContain('postage 0.730 USD  2026-11-26  FCLT  issued');
      const locked = await cli(['reprint', indiciumId, '--medium', 'letter', '--printer', 'folder:qa']);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('INVALID_INPUT');
      const printed = await cli(
        ['reprint', indiciumId, '--medium', 'letter', '--printer', 'folder:qa'],
        `${PASSPHRASE}\n`,
      );
      expect(printed.stderr).toContain('… rendering');
      expect(printed.stderr).toContain('… printing');
      expect(printed.code).toBe(0);
      expect(await readdir(qaDir)).toEqual([`indicium-${indiciumId}-reprint.pdf`]);
      const again = await cli(
        ['reprint', indiciumId, '--medium', 'letter', '--printer', 'folder:qa'],
        `${PASSPHRASE}\n`,
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('✖ ALREADY_PRINTED');
      const json = await cli(['history', '--meter', METER_ID, '--json']);
      expect(JSON.parse(json.stdout).items[0]).toMatchObject({ indiciumId, status: 'printed' });
    });
  });

  it('runs as a program: bin/companion.ts', async () => {
    const bin = fileURLToPath(new URL('../../bin/companion.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--conditions=@indicium/source',
      '--import',
      'tsx',
      bin,
      '--version',
    ]);
    expect(stdout.trim()).toBe('0.1.0');
  }, 30_000);
});
