import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { NATIVE_MESSAGE_MAX_BYTES } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/companion-cli.js';
import { type CompanionConfig, emptyConfig, ensureDataDir, writeConfig } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { Journal } from '../journal/journal.js';
import { makeTestIndicium } from '../render/test-indicium.fixture.js';
import { SecretStore } from '../secrets/secret-store.js';
import { HostProcess } from './host-process.fixture.js';

const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
const OTHER_EXTENSION_ID = 'ponmlkjihgfedcbaponmlkjihgfedcba';
const FIREFOX_ID = 'indicium@example.org';
const ORIGIN = 'https://meter.example';
const DEV_ORIGIN = 'https://localhost:8443';
const PASSPHRASE = 'a long enough passphrase';
const METER_ID = '00042-00001-0000001001';
const HELLO = { kind: 'hello', protocol: 1, component: 'extension', version: '0.1.0' };

let root: string;
let env: NodeJS.ProcessEnv;
let qaDir: string;
let indiciumId: string;

function request(type: string, payload: unknown, extra: Record<string, unknown> = {}) {
  return {
    kind: 'request',
    protocol: 1,
    requestId: `req-${randomBytes(6).toString('hex')}`,
    origin: ORIGIN,
    request: { type, payload },
    ...extra,
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-host-'));
  const dataDir = join(root, 'data');
  qaDir = join(root, 'qa');
  await mkdir(qaDir);
  await ensureDataDir(dataDir);
  const paths = companionPaths(dataDir);
  const config: CompanionConfig = {
    ...emptyConfig(),
    origins: [ORIGIN, DEV_ORIGIN],
    chromeExtensionIds: [EXTENSION_ID],
    firefoxExtensionIds: [FIREFOX_ID],
    printFolders: { qa: qaDir },
  };
  await writeConfig(paths.config, config);
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
    requestMac: new Uint8Array(32).fill(9),
    indicium: makeTestIndicium(),
    medium: 'label-4x6',
  }));
  env = { INDICIUM_COMPANION_HOME: dataDir };
});
afterAll(() => rm(root, { recursive: true, force: true }));

function expectError(
  message: Record<string, unknown>,
  code: string,
  requestId: string | null,
  field?: string,
) {
  expect(message).toMatchObject({ kind: 'error', protocol: 1, requestId, error: { code } });
  if (field !== undefined) expect((message.error as { field?: string }).field).toBe(field);
}

describe('the native-messaging host as a real child process (DESIGN §4.1)', { timeout: 30_000 }, () => {
  let host: HostProcess;
  beforeAll(() => {
    host = new HostProcess([`chrome-extension://${EXTENSION_ID}/`], env);
  });
  afterAll(async () => {
    if (host.exitCode === undefined) await host.close();
  });

  it('answers the hello with its protocol and version', async () => {
    host.send(HELLO);
    expect(await host.next(30_000)).toEqual({
      kind: 'hello',
      protocol: 1,
      component: 'companion',
      version: '0.1.0',
    });
  }, 40_000);

  it('answers status', async () => {
    const req = request('status', {});
    host.send(req);
    expect(await host.next()).toEqual({
      protocol: 1,
      requestId: req.requestId,
      kind: 'response',
      for: 'status',
      payload: {
        companionVersion: '0.1.0',
        locked: true,
        registrations: [{ meterId: METER_ID, userId: 'ada' }],
        vault: 'not-configured',
      },
    });
  });

  it('refuses origins not on its own allow-list: foreign, http, with a path, another port', async () => {
    for (const origin of [
      'https://evil.example',
      'http://meter.example',
      'https://meter.example/print',
      'https://localhost:8444',
      'https://METER.example',
      42,
    ]) {
      const req = request('status', {}, { origin });
      host.send(req);
      expectError(await host.next(), 'ORIGIN_NOT_ALLOWED', req.requestId, 'origin');
    }
    const dev = request('status', {}, { origin: DEV_ORIGIN });
    host.send(dev);
    expect(await host.next()).toMatchObject({ kind: 'response', requestId: dev.requestId });
  });

  it('refuses an oversized frame (FRAME_TOO_LARGE) and a malformed one (FRAME_MALFORMED), and keeps serving', async () => {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(NATIVE_MESSAGE_MAX_BYTES + 1, 0);
    host.sendRaw(Buffer.concat([header, Buffer.alloc(NATIVE_MESSAGE_MAX_BYTES + 1, 0x20)]));
    expectError(await host.next(), 'FRAME_TOO_LARGE', null);
    const body = Buffer.from('{"kind":"request",', 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(body.length, 0);
    host.sendRaw(Buffer.concat([len, body]));
    expectError(await host.next(), 'FRAME_MALFORMED', null);
    const req = request('status', {});
    host.send(req);
    expect(await host.next()).toMatchObject({ kind: 'response', requestId: req.requestId, for: 'status' });
  });

  it('refuses a request that breaks its schema (MALFORMED_REQUEST names the field) or speaks another protocol', async () => {
    const bad = request('history', { meterId: METER_ID, limit: 1000 });
    host.send(bad);
    expectError(await host.next(), 'MALFORMED_REQUEST', bad.requestId, 'request.payload.limit');
    const unknown = request('format-disk', {});
    host.send(unknown);
    expectError(await host.next(), 'MALFORMED_REQUEST', unknown.requestId);
    const newer = request('status', {}, { protocol: 2 });
    host.send(newer);
    const answer = await host.next();
    expectError(answer, 'VERSION_MISMATCH', newer.requestId, 'protocol');
    expect((answer.error as { details: unknown }).details).toMatchObject({
      update: 'companion',
      companionProtocol: 1,
      extensionProtocol: 2,
    });
  });

  it('print and register need a vault: CA_NOT_PINNED while none is pinned', async () => {
    const print = request('print', {
      meterId: METER_ID,
      userId: 'ada',
      transaction: {
        kind: 'postage',
        postageMills: 730,
        mailingDate: '2026-11-26',
        rateCategory: 'FCLT',
        originZip: '10001',
        destinationZip: null,
      },
      medium: 'letter',
      printerId: null,
      sender: null,
      recipient: null,
    });
    host.send(print);
    expectError(await host.next(), 'CA_NOT_PINNED', print.requestId);
  });

  it('reprint needs the session unlocked; a wrong passphrase is PASSPHRASE_WRONG', async () => {
    const reprint = request('reprint', { indiciumId, medium: 'label-4x6', printerId: 'folder:qa' });
    host.send(reprint);
    expectError(await host.next(), 'COMPANION_LOCKED', reprint.requestId);
    const wrong = request('unlock', { passphrase: 'not the passphrase' });
    host.send(wrong);
    expectError(await host.next(), 'PASSPHRASE_WRONG', wrong.requestId, 'passphrase');
    const right = request('unlock', { passphrase: PASSPHRASE });
    host.send(right);
    expect(await host.next()).toMatchObject({ kind: 'response', for: 'unlock', payload: { locked: false } });
  }, 30_000);

  it('lists printers and history', async () => {
    const printers = request('printers', {});
    host.send(printers);
    const answer = await host.next();
    expect(answer).toMatchObject({ kind: 'response', for: 'printers' });
    expect((answer.payload as { printers: unknown[] }).printers).toContainEqual({
      printerId: 'folder:qa',
      name: `Folder ${qaDir}`,
      isDefault: false,
    });
    const history = request('history', { meterId: METER_ID, limit: 10 });
    host.send(history);
    expect(await host.next()).toMatchObject({
      kind: 'response',
      for: 'history',
      payload: { items: [{ indiciumId, meterId: METER_ID, status: 'issued', postageMills: 730 }] },
    });
  });

  it('reprints an issued, never-printed indicium once, with progress; then ALREADY_PRINTED', async () => {
    const reprint = request('reprint', { indiciumId, medium: 'label-4x6', printerId: 'folder:qa' });
    host.send(reprint);
    expect(await host.next()).toEqual({
      protocol: 1,
      requestId: reprint.requestId,
      kind: 'progress',
      stage: 'rendering',
    });
    expect(await host.next()).toEqual({
      protocol: 1,
      requestId: reprint.requestId,
      kind: 'progress',
      stage: 'printing',
    });
    expect(await host.next()).toMatchObject({
      kind: 'response',
      for: 'reprint',
      payload: { printed: true, indicium: { indiciumId, status: 'printed' } },
    });
    expect(await readdir(qaDir)).toEqual([`indicium-${indiciumId}-reprint.pdf`]);
    const again = request('reprint', { indiciumId, medium: 'label-4x6', printerId: 'folder:qa' });
    host.send(again);
    expectError(await host.next(), 'ALREADY_PRINTED', again.requestId, 'indiciumId');
  }, 30_000);

  it('`companion lock` locks the running host from another process; a stale record is dropped unsignalled', async () => {
    const unlock = request('unlock', { passphrase: PASSPHRASE });
    host.send(unlock);
    expect(await host.next()).toMatchObject({ for: 'unlock', payload: { locked: false } });
    // A record left by a host that is gone (or whose pid now runs something else) must not be signalled.
    await writeFile(join(env.INDICIUM_COMPANION_HOME as string, 'hosts', String(process.pid)), 'stale\n');
    const out = new PassThrough();
    const code = await runCli(['lock'], {
      stdin: new PassThrough(),
      stdout: out,
      stderr: new PassThrough(),
      env,
    });
    expect(code).toBe(0);
    expect(String(out.read())).toContain('locked 1 running browser session of the companion');
    expect(await readdir(join(env.INDICIUM_COMPANION_HOME as string, 'hosts'))).toEqual([
      String(host.child.pid),
    ]);
    const status = request('status', {});
    host.send(status);
    expect(await host.next()).toMatchObject({ for: 'status', payload: { locked: true } });
  }, 30_000);

  it('locks on request', async () => {
    const lock = request('lock', {});
    host.send(lock);
    expect(await host.next()).toMatchObject({ kind: 'response', for: 'lock', payload: { locked: true } });
    const status = request('status', {});
    host.send(status);
    expect(await host.next()).toMatchObject({ payload: { locked: true } });
  });

  it('respects back-pressure: a browser that stops reading gets every answer, in order, when it resumes', async () => {
    host.child.stdout.pause();
    const sent = Array.from({ length: 1500 }, () => request('status', {}));
    for (const req of sent) host.send(req);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = host.stdoutBytes;
    host.child.stdout.resume();
    const ids: unknown[] = [];
    for (let i = 0; i < sent.length; i += 1) ids.push((await host.next()).requestId);
    expect(ids).toEqual(sent.map((r) => r.requestId));
    // While paused, the host could not push more than the pipe holds.
    expect(before).toBeLessThan(host.stdoutBytes);
  }, 60_000);

  it('logs to its file, never the passphrase; exits 0 when the browser closes the port', async () => {
    expect(await host.close()).toBe(0);
    const log = await readFile(join(root, 'data', 'companion.log'), 'utf8');
    expect(log).toContain('"msg":"request"');
    expect(log).not.toContain(PASSPHRASE);
    expect(log).not.toContain('not the passphrase');
  });
});

describe('the host refuses callers and versions it was not installed for', { timeout: 40_000 }, () => {
  it('an unknown extension id: EXTENSION_NOT_ALLOWED to every frame, the process still serving', async () => {
    const host = new HostProcess([`chrome-extension://${OTHER_EXTENSION_ID}/`], env);
    host.send(HELLO);
    expectError(await host.next(30_000), 'EXTENSION_NOT_ALLOWED', null);
    const req = request('status', {});
    host.send(req);
    expectError(await host.next(), 'EXTENSION_NOT_ALLOWED', req.requestId);
    expect(await host.close()).toBe(0);
  }, 40_000);

  it('Firefox: the manifest path and the installed add-on id are accepted; no arguments are refused', async () => {
    const firefox = new HostProcess(
      ['/home/u/.mozilla/native-messaging-hosts/com.indicium.companion.json', FIREFOX_ID],
      env,
    );
    const bare = new HostProcess([], env);
    firefox.send(HELLO);
    bare.send(HELLO);
    expect(await firefox.next(30_000)).toMatchObject({ kind: 'hello', component: 'companion' });
    expectError(await bare.next(30_000), 'EXTENSION_NOT_ALLOWED', null);
    await Promise.all([firefox.close(), bare.close()]);
  }, 40_000);

  it('a hello first: a request before it is refused; a newer protocol names the part to update', async () => {
    const host = new HostProcess([`chrome-extension://${EXTENSION_ID}/`], env);
    const early = request('status', {});
    host.send(early);
    expectError(await host.next(30_000), 'MALFORMED_REQUEST', early.requestId, 'kind');
    host.send({ ...HELLO, protocol: 2, version: '2.0.0' });
    const mismatch = await host.next();
    expectError(mismatch, 'VERSION_MISMATCH', null, 'protocol');
    expect((mismatch.error as { details: unknown }).details).toMatchObject({
      update: 'companion',
      extensionProtocol: 2,
    });
    host.send({ ...HELLO, component: 'companion' });
    expectError(await host.next(), 'MALFORMED_REQUEST', null, 'component');
    host.send(HELLO);
    expect(await host.next()).toMatchObject({ kind: 'hello' });
    const req = request('status', {});
    host.send(req);
    expect(await host.next()).toMatchObject({ kind: 'response', requestId: req.requestId });
    expect(await host.close()).toBe(0);
  }, 40_000);
});
