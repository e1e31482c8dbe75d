import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { OFFICER_PATHS, PROTOCOL_VERSION } from '@indicium/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionAuthenticator } from '../accounts/create-session-authenticator.js';
import { ensureDevTls } from '../ca/ensure-dev-tls.js';
import { type OpenedVault, openVault } from '../ceremony/open-vault.js';
import { createApp } from '../http/create-app.js';
import { createPsdModules } from '../meters/psd-modules.js';
import { createModuleTableGuard } from '../module-table/module-table-guard.js';
import { moduleTableRoutes } from '../module-table/module-table-routes.js';
import { createOfficerRouter, OFFICER_MOUNT_PATH } from '../officers/officer-router.js';
import { readOfficersFile } from '../officers/officers-file.js';
import { createMetrics } from '../ops/create-metrics.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { runVaultctl } from './vaultctl-program.js';

/**
 * The officer endpoint and vaultctl against a real vault core (first-run ceremony, worker
 * threads, NVM files) behind a real HTTPS server bound to all interfaces, so a connection from
 * this machine's non-loopback address can be refused for real.
 */
const BIN = fileURLToPath(new URL('../../bin/vaultctl.mjs', import.meta.url));
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && !i.internal && i.family === 'IPv4')?.address;

let root: string;
let vault: OpenedVault;
let server: Server;
let url: string;
let caFile: string;
let caPem: string;
let credentials: string;
let store: Store;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-vaultctl-'));
  const dataDir = join(root, 'vault');
  vault = await openVault({ dataDir, modules: 2 });
  credentials = vault.officersPath;
  const tls = await ensureDevTls(join(dataDir, 'tls'), {
    extraNames: external === undefined ? [] : [external],
  });
  caFile = tls.files.ca.certificate;
  caPem = tls.ca;
  // The rollover's package sweep needs the store and the PSD modules (no meters here: it finds none).
  store = await createStore({ kind: 'sqlite', path: join(dataDir, 'vault.db') });
  const log = pino({ level: 'silent' });
  const guard = createModuleTableGuard({
    store,
    pool: vault.pool,
    inService: (serial) => vault.manifest().modules.find((m) => m.serial === serial)?.inService ?? false,
    maxFailingModules: 1,
    log,
  });
  await guard.verifyAll();
  const psd = createPsdModules({ pool: vault.pool, guard, store, log });
  // Mounted as main.ts mounts them: the rollover reads the module table to find every node's modules.
  const app = createApp({
    routes: moduleTableRoutes({ store, guard }),
    mounts: [
      {
        path: OFFICER_MOUNT_PATH,
        auth: 'local',
        localRefusal: 'OFFICER_LOCAL_ONLY',
        router: createOfficerRouter(vault, { store, psd, meters: vault.pool, guard }),
      },
    ],
    sessions: createSessionAuthenticator({ store, sessionKey: randomBytes(32) }),
    metrics: createMetrics(),
    log,
    extraOrigins: [],
    isDraining: () => false,
  });
  server = createServer({ key: tls.key, cert: tls.cert }, app);
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  url = `https://localhost:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await vault.close();
  await store.close();
  await rm(root, { recursive: true, force: true });
});

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** vaultctl in this process (real HTTPS, real sessions), for the longer flows. */
async function vaultctl(
  args: readonly string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  const input = new PassThrough();
  input.end(stdin);
  const code = await runVaultctl(['--vault', url, '--ca', caFile, ...args], {
    stdin: input,
    stdout: out.stream,
    stderr: err.stream,
    env: {},
  });
  return { code, out: out.text(), err: err.text() };
}

/** vaultctl as the operator runs it: the bin entry in a child process. */
function vaultctlProcess(
  args: readonly string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, '--vault', url, '--ca', caFile, ...args],
      { env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 },
      (error, out, err) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), out, err }),
    );
    child.stdin?.end(stdin);
  });
}

function raw(
  method: string,
  path: string,
  body: string | undefined,
  host = '127.0.0.1',
): Promise<{ status: number; json: { error?: { code: string; field?: string } } & Record<string, unknown> }> {
  const port = (server.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        method,
        ca: caPem,
        servername: 'localhost',
        ...(host === '127.0.0.1' ? {} : { localAddress: host }),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('officer endpoint', () => {
  it('refuses a peer that is not this machine, by its socket address', async () => {
    expect(external, 'this test needs a non-loopback IPv4 interface').toBeDefined();
    const answer = await raw('GET', OFFICER_PATHS.modules, undefined, external as string);
    expect(answer.status).toBe(403);
    expect(answer.json.error).toMatchObject({ code: 'OFFICER_LOCAL_ONLY' });
    const local = await raw('GET', OFFICER_PATHS.modules, undefined);
    expect(local.status).toBe(200);
  });

  it('relays plain status requests and refuses unsealed officer commands, bad serials and bad bodies', async () => {
    const path = OFFICER_PATHS.dispatch.replace('{serial}', 'M0001');
    const status = await raw(
      'POST',
      path,
      JSON.stringify({ protocol: PROTOCOL_VERSION, request: { command: 'get-status', body: {} } }),
    );
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({
      module: 'M0001',
      outcome: { ok: true, result: { currentState: 'O' } },
    });

    const unsealed = await raw(
      'POST',
      path,
      JSON.stringify({ protocol: PROTOCOL_VERSION, request: { command: 'generate-mks', body: {} } }),
    );
    expect(unsealed.status).toBe(400);
    expect(unsealed.json.error).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'request.sealed' });

    const unknown = await raw(
      'POST',
      OFFICER_PATHS.dispatch.replace('{serial}', 'M0042'),
      JSON.stringify({ protocol: PROTOCOL_VERSION, request: { command: 'get-status' } }),
    );
    expect(unknown.json.error).toMatchObject({ code: 'INVALID_FIELD', field: 'serial' });

    const traversal = await raw('GET', '/v1/officer/modules/..%2Fx/audit', undefined);
    expect(traversal.json.error).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'serial' });

    for (const body of [
      '{not json',
      JSON.stringify({ protocol: PROTOCOL_VERSION }),
      JSON.stringify({ protocol: 99, request: { command: 'get-status' } }),
    ]) {
      const bad = await raw('POST', path, body);
      expect(bad.status).toBe(400);
      expect(bad.json.error?.code).toBe('MALFORMED_REQUEST');
    }
  });

  it('the vault sees only sealed bytes of an officer command', async () => {
    const seen: string[] = [];
    const file = await readOfficersFile(credentials);
    const passphrase = file.modules[0]?.officers.find((o) => o.userId === 'so')?.passphrase as string;
    const original = vault.pool.dispatch.bind(vault.pool);
    vault.pool.dispatch = async (request, options) => {
      seen.push(JSON.stringify(request));
      return original(request, options);
    };
    try {
      const { code } = await vaultctl([
        '--credentials',
        credentials,
        '--module',
        'M0001',
        '--as',
        'so',
        'logon',
      ]);
      expect(code).toBe(0);
    } finally {
      vault.pool.dispatch = original;
    }
    const logon = seen.find((s) => s.includes('"command":"logon"'));
    expect(logon).toContain('"encrypted":true');
    for (const s of seen) expect(s).not.toContain(passphrase);
  });
});

describe('vaultctl (child process, bin entry)', () => {
  it('--help on the program and on commands', async () => {
    const top = await vaultctlProcess(['--help']);
    expect(top.code).toBe(0);
    for (const name of [
      'status',
      'logon',
      'add-module',
      'rollover',
      'audit',
      'create-shares',
      'view-access-control',
    ]) {
      expect(top.out).toContain(name);
    }
    const sub = await vaultctlProcess(['export-share', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.out).toContain('--fingerprint <hex>');
    expect((await vaultctlProcess(['no-such-command'])).code).toBe(2);
  });

  it('status verifies every module under its pinned key', async () => {
    const { code, out } = await vaultctlProcess(['--credentials', credentials, 'status']);
    expect(code).toBe(0);
    const rows = JSON.parse(out) as {
      serial: string;
      verified: boolean;
      state: string;
      activeMksVersion: number;
    }[];
    expect(rows.map((r) => [r.serial, r.verified, r.state, r.activeMksVersion])).toEqual([
      ['M0001', true, 'O', 1],
      ['M0002', true, 'O', 1],
    ]);
  });

  it("trusts the data directory's development CA and pinned keys by default, and no other CA", async () => {
    const dataDir = join(root, 'vault');
    const byDefault = await runVaultctl(['--vault', url, '--data-dir', dataDir, 'status'], {
      stdin: new PassThrough(),
      stdout: capture().stream,
      stderr: capture().stream,
      env: {},
    });
    expect(byDefault).toBe(0);
    const out = capture();
    await runVaultctl(['--vault', url, '--data-dir', dataDir, '--module', 'M0001', 'status'], {
      stdin: new PassThrough(),
      stdout: out.stream,
      stderr: capture().stream,
      env: {},
    });
    expect(JSON.parse(out.text())[0]).toMatchObject({ serial: 'M0001', verified: true });

    const wrongCa = await vaultctlProcess([
      '--ca',
      join(dataDir, 'ca', 'postal', 'postal-ca.cert.pem'),
      'status',
    ]);
    expect(wrongCa.code).toBe(1);
    expect(wrongCa.err).toContain('VAULT_UNREACHABLE');
  });

  it('logon with the credentials file; a wrong passphrase is LOGON_FAILED', async () => {
    const ok = await vaultctlProcess([
      '--credentials',
      credentials,
      '--module',
      'M0002',
      '--as',
      'so',
      'logon',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({
      module: 'M0002',
      userId: 'so',
      role: 'security-officer',
      session: 'verified',
    });

    const key = (await readOfficersFile(credentials)).modules[1]?.modulePublicKey as string;
    const wrong = await vaultctlProcess(
      ['--module', 'M0002', '--module-key', key, '--as', 'kc3', '--passphrase-stdin', 'logon'],
      'not-the-passphrase\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('LOGON_FAILED');
  });

  it('refuses a module half signed by another key (a relay that swaps modules)', async () => {
    const other = (await readOfficersFile(credentials)).modules[0]?.modulePublicKey as string;
    const out = await vaultctlProcess(
      ['--module', 'M0002', '--module-key', other, '--as', 'so', '--passphrase-stdin', 'logon'],
      'x\n',
    );
    expect(out.code).toBe(1);
    expect(out.err).toContain('SIGNATURE_INVALID');
    // The module opened that session; nobody holding its keys can close it: a reboot clears it.
    const busy = await vaultctlProcess([
      '--credentials',
      credentials,
      '--module',
      'M0002',
      '--as',
      'so',
      'logon',
    ]);
    expect(busy.err).toContain('SESSION_BUSY');
    const restarted = await vaultctlProcess(['--module', 'M0002', 'restart-module']);
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.out)).toMatchObject({ serial: 'M0002', restarts: 1 });
    const again = await vaultctlProcess([
      '--credentials',
      credentials,
      '--module',
      'M0002',
      '--as',
      'so',
      'logon',
    ]);
    expect(again.code).toBe(0);
  });
});

describe('vaultctl officer commands', () => {
  const as = (user: string, module = 'M0001') => [
    '--credentials',
    credentials,
    '--module',
    module,
    '--as',
    user,
  ];

  it('access-control admin: begin, create, view, modify, delete, end', async () => {
    expect((await vaultctl([...as('so'), 'begin-admin'])).code).toBe(0);
    const created = await vaultctl(
      [
        ...as('admin'),
        'create-account',
        '--user',
        'kc9',
        '--role',
        'key-custodian',
        '--new-passphrase-stdin',
      ],
      'a long enough passphrase\n',
    );
    expect(created.code).toBe(0);
    const view = await vaultctl([...as('admin'), 'view-access-control']);
    expect(view.code).toBe(0);
    expect(view.out).toContain('"userId": "kc9"');
    expect(view.out).not.toContain('passphrase');
    expect((await vaultctl([...as('admin'), 'modify-account', '--user', 'kc9', '--unlock'])).code).toBe(0);
    expect((await vaultctl([...as('admin'), 'set-clock'])).code).toBe(0);
    expect((await vaultctl([...as('admin'), 'delete-account', '--user', 'kc9'])).code).toBe(0);
    const wrongRole = await vaultctl([
      ...as('so'),
      'create-account',
      '--user',
      'kc8',
      '--role',
      'auditor',
      '--generate',
    ]);
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.err).toContain('ROLE_DENIED');
    expect((await vaultctl([...as('admin'), 'end-admin'])).code).toBe(0);
    const state = JSON.parse(
      (await vaultctl(['--credentials', credentials, '--module', 'M0001', 'status'])).out,
    );
    expect(state[0].state).toBe('O');
  });

  it('a command in the wrong state is refused with its code and nothing changes', async () => {
    const out = await vaultctl([...as('admin'), 'end-admin']);
    expect(out.code).toBe(1);
    expect(out.err).toContain('WRONG_STATE');
  });

  it('audit export writes JSON lines; audit verify checks them as the Auditor, and catches an edit', async () => {
    const file = join(root, 'm1-audit.jsonl');
    expect((await vaultctl(['--module', 'M0001', 'audit', 'export', '--out', file])).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ command: 'start-initialization', sequence: 0 });
    // The verify's own Export Audit Key adds entries after the export: verify what the vault holds.
    const verified = await vaultctl([...as('auditor'), 'audit', 'verify']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ module: 'M0001', valid: true, problems: [] });

    const stored = await vault.audit.read('M0001');
    const edited = stored.map((e, i) => (i === 3 ? { ...e, time: e.time + 1 } : e));
    const tampered = join(root, 'm1-tampered.jsonl');
    await writeFile(tampered, edited.map((e) => JSON.stringify(e)).join('\n'));
    const refused = await vaultctl([...as('auditor'), 'audit', 'verify', '--file', tampered]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).valid).toBe(false);
  });

  it('create-audit-entry makes a signed entry that the chain keeps', async () => {
    const made = await vaultctl(['--module', 'M0002', 'create-audit-entry', '--reason', 'shift change']);
    expect(made.code).toBe(0);
    const last = (await vault.audit.read('M0002')).at(-1);
    expect(last).toMatchObject({ command: 'create-audit-entry', data: { reason: 'shift change' } });
    expect(last?.signature).not.toBeNull();
    const verified = await vaultctl([
      '--credentials',
      credentials,
      '--module',
      'M0002',
      '--as',
      'auditor',
      'audit',
      'verify',
    ]);
    expect(JSON.parse(verified.out)).toMatchObject({ valid: true });
  });

  it('add-module clones a new module through the share commands and puts it in service', async () => {
    const out = await vaultctl(['--credentials', credentials, 'add-module', '--source', 'M0002']);
    expect(out.err).toContain('key-check value');
    expect(out.code).toBe(0);
    const answer = JSON.parse(out.out) as { module: { serial: string; inService: boolean }; kcv: string };
    expect(answer.module).toMatchObject({ serial: 'M0003', inService: true });
    expect(answer.kcv).toBe(vault.manifest().mks.kcv);
    const file = await readOfficersFile(credentials);
    expect(file.modules.map((m) => m.serial)).toEqual(['M0001', 'M0002', 'M0003']);
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    expect(vault.manifest().modules.find((m) => m.serial === 'M0003')?.inService).toBe(true);
    const status = JSON.parse((await vaultctl(['--credentials', credentials, 'status'])).out) as {
      serial: string;
      state: string;
    }[];
    expect(status.map((s) => s.state)).toEqual(['O', 'O', 'O']);
  });

  it('rollover moves every module to MKS v2 and deletes v1', async () => {
    const v1Card = vault.manifest().cryptoCard;
    const out = await vaultctl(['--credentials', credentials, 'rollover', '--delete-old']);
    expect(out.err).toContain('MKS v1 deleted');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.out)).toMatchObject({
      modules: ['M0001', 'M0002', 'M0003'],
      mks: { version: 2 },
      previous: 1,
      deleted: true,
    });
    const status = JSON.parse((await vaultctl(['--credentials', credentials, 'status'])).out) as {
      activeMksVersion: number;
    }[];
    expect(status.map((s) => s.activeMksVersion)).toEqual([2, 2, 2]);
    expect(vault.manifest().mks.version).toBe(2);
    // The translated card loads everywhere; the v1 card is dead.
    for (const serial of ['M0001', 'M0002', 'M0003']) {
      expect((await vaultctl([...as('so', serial), 'update-crypto-card'])).code).toBe(0);
    }
    const oldTokens = join(root, 'old-card.json');
    await writeFile(oldTokens, JSON.stringify(v1Card));
    const dead = await vaultctl([...as('so', 'M0003'), 'update-crypto-card', '--tokens', oldTokens]);
    expect(dead.code).toBe(1);
    expect(dead.err).toContain('TOKEN_INVALID');
  });

  it('reset needs its confirmation, takes the module out of service, then zeroizes it', async () => {
    expect((await vaultctl(['--module', 'M0003', 'reset'])).code).toBe(2);
    const reset = await vaultctl(['--module', 'M0003', 'reset', '--yes-zeroize']);
    expect(reset.code).toBe(0);
    expect(vault.pool.info().find((m) => m.serial === 'M0003')?.inService).toBe(false);
    const status = JSON.parse((await vaultctl(['--module', 'M0003', 'status'])).out) as {
      state: string;
      inService: boolean;
    }[];
    expect(status[0]).toMatchObject({ state: 'U', inService: false });
  });
});
