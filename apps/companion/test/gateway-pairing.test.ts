import { randomBytes, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  GATEWAY_PATHS,
  GatewayCallAnswerSchema,
  type IndiciumError,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../src/calls/page-call-table.js';
import { runCli } from '../src/cli/companion-cli.js';
import {
  type CompanionConfig,
  emptyConfig,
  ensureDataDir,
  writeConfig,
} from '../src/config/companion-config.js';
import { companionPaths } from '../src/config/companion-paths.js';
import { gatewayPaths } from '../src/gateway/gateway-paths.js';
import { type RunningGateway, startGateway } from '../src/gateway/gateway-server.js';
import { pairingCode, pairingCommitment } from '../src/gateway/pairing-code.js';
import {
  PAIRING_MAX_ATTEMPTS,
  PAIRING_MAX_PENDING,
  PAIRING_PENDING_MS,
  PairingStore,
} from '../src/gateway/pairing-store.js';
import { loadOrCreateTlsIdentity, type TlsIdentity } from '../src/gateway/tls-identity.js';
import { x509 } from '../src/gateway/x509-library.js';
import { postToGateway } from '../src/interface/gateway-client.js';
import { interfaceCallTable } from '../src/interface/interface-mode.js';
import {
  type InterfaceSetup,
  readInterfaceSetup,
  writeInterfaceSetup,
} from '../src/interface/interface-setup.js';
import { createVaultClient } from '../src/vault/create-vault-client.js';

/**
 * Pairing and the mutually authenticated channel (DESIGN §9), with a real gateway server in this
 * process and the real `companion interface` command: codes equal on both sides, a wrong code on
 * either side, a man in the middle (different codes), unpaired, pending, revoked and foreign
 * client certificates, a gateway with another certificate, a gateway away or silent.
 */

const METER = '00042-00001-0000001001';
const ORIGIN = 'https://office.example';
let root: string;
let gatewayDir: string;
let gateway: RunningGateway;
const codes = new Map<string, string>();

function startCli(dataDir: string, args: string[]) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const done = runCli(args, {
    stdin,
    stdout,
    stderr,
    env: { PATH: process.env.PATH, INDICIUM_COMPANION_HOME: dataDir },
    home: root,
  }).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
  return { stdin, output: () => out.join(''), done };
}

const cli = (dataDir: string, args: string[]) => startCli(dataDir, args).done;

async function waitFor<T>(probe: () => T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 2400; i += 1) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function newInterfaceDir(name: string): Promise<string> {
  const dir = join(root, name);
  await ensureDataDir(dir);
  const config: CompanionConfig = { ...emptyConfig(), origins: [ORIGIN] };
  await writeConfig(companionPaths(dir).config, config);
  return dir;
}

/**
 * Runs the real `companion interface --gateway …`; when both screens show their codes, the person
 * types on the interface what `typed(gatewayCode, interfaceCode)` says (by default the gateway's).
 */
async function pairInterface(
  dir: string,
  options: { user: string; port?: number; typed?: (gatewayCode: string, interfaceCode: string) => string },
) {
  const port = options.port ?? gateway.port;
  const run = startCli(dir, [
    'interface',
    '--gateway',
    `127.0.0.1:${port}`,
    '--meter',
    METER,
    '--user',
    options.user,
    '--name',
    `${options.user} desk`,
  ]);
  const shown = await Promise.race([
    waitFor(
      () => /pairing (\S+): this computer shows code (\d{3}) (\d{3})/.exec(run.output()),
      'the interface code',
    ),
    run.done.then((r) => {
      throw new Error(`the interface stopped: ${JSON.stringify(r)}`);
    }),
  ]);
  const pairingId = shown[1] as string;
  const interfaceCode = `${shown[2]}${shown[3]}`;
  const gatewayCode = await waitFor(() => codes.get(pairingId), 'the gateway code');
  run.stdin.end(`${(options.typed ?? ((g: string) => g))(gatewayCode, interfaceCode)}\n`);
  return { pairingId, gatewayCode, interfaceCode, result: await run.done };
}

/** A page call forwarded by an interface companion, as its native host would (DESIGN §9). */
async function forward(
  dir: string,
  type: 'status' | 'printers' | 'unlock' | 'history' | 'print',
  payload: object,
) {
  const table = await interfaceCallTable(dir, { ...emptyConfig(), origins: [ORIGIN] });
  if (table === undefined) throw new Error('not an interface');
  const handler = table[type] as unknown as (p: object, c: CallContext) => Promise<unknown>;
  return handler(payload, { origin: ORIGIN, requestId: 'test-request', progress: () => undefined });
}

async function refusal(promise: Promise<unknown>): Promise<IndiciumError> {
  try {
    await promise;
  } catch (error) {
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gateway-pairing-'));
  gatewayDir = join(root, 'gateway');
  await ensureDataDir(gatewayDir);
  await writeConfig(companionPaths(gatewayDir).config, { ...emptyConfig(), origins: [ORIGIN] });
  gateway = await startGateway({
    dataDir: gatewayDir,
    host: '127.0.0.1',
    port: 0,
    vault: createVaultClient({ dataDir: () => gatewayDir }),
    logger: pino({ level: 'silent' }),
    onPairingCode: ({ pairingId, code }) => codes.set(pairingId, code),
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await rm(root, { recursive: true, force: true });
});

describe('pairing an interface machine with the gateway', () => {
  let adaDir: string;

  it('both screens show the same code; the person confirms on both; the gateway is pinned', async () => {
    adaDir = await newInterfaceDir('ada');
    const paired = await pairInterface(adaDir, { user: 'ada' });
    expect(paired.result).toMatchObject({ code: 0 });
    expect(paired.interfaceCode).toBe(paired.gatewayCode);
    // Hex, so it can never be taken for an option on the operator's command line.
    expect(paired.pairingId).toMatch(/^[0-9a-f]{32}$/);
    expect(paired.result.stdout).toContain(
      `companion gateway confirm ${paired.pairingId} --code ${paired.gatewayCode}`,
    );
    const setup = await readInterfaceSetup(adaDir);
    expect(setup).toMatchObject({
      pairingId: paired.pairingId,
      user: { meterId: METER, userId: 'ada' },
      gateway: { host: '127.0.0.1', port: gateway.port, fingerprint: gateway.fingerprint },
    });
    expect((await stat(join(adaDir, 'interface.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(adaDir, 'interface-tls', 'tls.key.pem'))).mode & 0o777).toBe(0o600);

    // Not yet confirmed on the gateway: the machine is not paired.
    expect(await refusal(forward(adaDir, 'status', {}))).toMatchObject({ code: 'PAIRING_REQUIRED' });
    const listed = await cli(gatewayDir, ['gateway', 'pairings']);
    expect(listed.stdout).toMatch(
      new RegExp(`${paired.pairingId}\\s+pending\\s+"ada desk" for ada@${METER} code`),
    );

    const confirmed = await cli(gatewayDir, [
      'gateway',
      'confirm',
      paired.pairingId,
      '--code',
      paired.interfaceCode,
    ]);
    expect(confirmed).toMatchObject({ code: 0 });
    expect(confirmed.stdout).toContain(`paired "ada desk" for ada@${METER}`);
    expect(await forward(adaDir, 'status', {})).toMatchObject({ locked: true, vault: 'not-configured' });
    expect((await stat(gatewayPaths(gatewayDir).pairings)).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('a wrong code typed on the interface pins nothing (PAIRING_CODE_WRONG)', async () => {
    const dir = await newInterfaceDir('typo');
    const paired = await pairInterface(dir, {
      user: 'typo',
      typed: (g) => String((Number(g) + 1) % 1_000_000).padStart(6, '0'),
    });
    expect(paired.result.code).toBe(1);
    expect(paired.result.stderr).toContain('PAIRING_CODE_WRONG');
    expect(await readInterfaceSetup(dir)).toBeUndefined();
  }, 60_000);

  it('a wrong code typed on the gateway is PAIRING_CODE_WRONG; the third wrong code voids the pairing', async () => {
    const dir = await newInterfaceDir('guess');
    const paired = await pairInterface(dir, { user: 'guess' });
    expect(paired.result.code).toBe(0);
    const wrong = String((Number(paired.gatewayCode) + 7) % 1_000_000).padStart(6, '0');
    for (let attempt = 1; attempt <= PAIRING_MAX_ATTEMPTS; attempt += 1) {
      const answer = await cli(gatewayDir, ['gateway', 'confirm', paired.pairingId, '--code', wrong]);
      expect(answer.code).toBe(1);
      expect(answer.stderr).toContain('PAIRING_CODE_WRONG');
    }
    // Void now: even the right code no longer pairs, and the machine stays unpaired.
    const late = await cli(gatewayDir, [
      'gateway',
      'confirm',
      paired.pairingId,
      '--code',
      paired.gatewayCode,
    ]);
    expect(late.stderr).toContain('PAIRING_REQUIRED');
    expect(await refusal(forward(dir, 'status', {}))).toMatchObject({ code: 'PAIRING_REQUIRED' });
  }, 60_000);

  it('a man in the middle with its own certificates makes the two screens show different codes', async () => {
    const mitm = await startRelay(gateway.port, join(root, 'mitm'));
    try {
      const dir = await newInterfaceDir('victim');
      const paired = await pairInterface(dir, { user: 'victim', port: mitm.port });
      expect(paired.interfaceCode).not.toBe(paired.gatewayCode);
      // The person compares: the gateway's code typed on the interface does not match → nothing pinned.
      expect(paired.result.code).toBe(1);
      expect(paired.result.stderr).toContain('PAIRING_CODE_WRONG');
      expect(await readInterfaceSetup(dir)).toBeUndefined();
      // And the interface's code typed on the gateway does not confirm the attacker's certificate.
      const confirm = await cli(gatewayDir, [
        'gateway',
        'confirm',
        paired.pairingId,
        '--code',
        paired.interfaceCode,
      ]);
      expect(confirm.stderr).toContain('PAIRING_CODE_WRONG');
      expect(
        (await new PairingStore(gatewayPaths(gatewayDir).pairings).list()).find(
          (p) => p.pairingId === paired.pairingId,
        ),
      ).toMatchObject({ state: 'pending', attempts: 1 });
    } finally {
      await mitm.close();
    }
  }, 60_000);

  it('an unpaired machine, even with the gateway pinned, is PAIRING_REQUIRED', async () => {
    const dir = await newInterfaceDir('stranger');
    const ada = (await readInterfaceSetup(adaDir)) as InterfaceSetup;
    await writeInterfaceSetup(dir, { ...ada, name: 'stranger' });
    expect(await refusal(forward(dir, 'status', {}))).toMatchObject({ code: 'PAIRING_REQUIRED' });
    // No client certificate at all: refused before anything is read.
    const bare = await rawPost(gateway.port, GATEWAY_PATHS.call, {});
    expect(bare.status).toBe(400);
    expect(bare.json).toMatchObject({ error: { code: 'PAIRING_REQUIRED', field: 'tls' } });
  }, 60_000);

  it('a client certificate from elsewhere — another CA, the paired machine’s name — is PAIRING_REQUIRED', async () => {
    const ada = (await readInterfaceSetup(adaDir)) as InterfaceSetup;
    const foreign = await foreignIdentity('ada desk');
    const answer = await refusal(
      postToGateway(
        ada.gateway,
        foreign,
        ada.gateway,
        GATEWAY_PATHS.call,
        callBody(ada, 'status'),
        GatewayCallAnswerSchema,
        5000,
      ).then(({ answer }) => {
        if (answer.kind === 'error')
          throw Object.assign(new Error(answer.error.code), { code: answer.error.code });
        return answer;
      }),
    );
    expect(answer).toMatchObject({ code: 'PAIRING_REQUIRED' });
  }, 60_000);

  it('a revoked pairing is PAIRING_REVOKED from the next request on', async () => {
    const dir = await newInterfaceDir('leaver');
    const paired = await pairInterface(dir, { user: 'leaver' });
    expect(
      (await cli(gatewayDir, ['gateway', 'confirm', paired.pairingId, '--code', paired.gatewayCode])).code,
    ).toBe(0);
    expect(await forward(dir, 'status', {})).toMatchObject({ locked: true });
    const revoked = await cli(gatewayDir, ['gateway', 'revoke', paired.pairingId]);
    expect(revoked.stdout).toContain('revoked "leaver desk"');
    expect(await refusal(forward(dir, 'status', {}))).toMatchObject({ code: 'PAIRING_REVOKED' });
    const listed = JSON.parse((await cli(gatewayDir, ['gateway', 'pairings', '--json'])).stdout) as {
      pairings: { pairingId: string; state: string; gatewayNonce?: unknown }[];
    };
    expect(listed.pairings.find((p) => p.pairingId === paired.pairingId)).toMatchObject({ state: 'revoked' });
    expect(listed.pairings.every((p) => p.gatewayNonce === undefined)).toBe(true);
  }, 60_000);

  it('a paired machine acts for its own user only: another user in the envelope or the payload is PRIVILEGE_DENIED', async () => {
    const ada = (await readInterfaceSetup(adaDir)) as InterfaceSetup;
    const identity = await loadOrCreateTlsIdentity(join(adaDir, 'interface-tls'), 'ada desk');
    const asBob = await postToGateway(
      ada.gateway,
      identity,
      ada.gateway,
      GATEWAY_PATHS.call,
      { ...callBody(ada, 'status'), user: { meterId: METER, userId: 'bob' } },
      GatewayCallAnswerSchema,
      5000,
    );
    expect(asBob.answer).toMatchObject({ kind: 'error', error: { code: 'PRIVILEGE_DENIED', field: 'user' } });
    const history = await postToGateway(
      ada.gateway,
      identity,
      ada.gateway,
      GATEWAY_PATHS.call,
      {
        ...callBody(ada, 'status'),
        request: { type: 'history', payload: { meterId: '00042-00001-0000009999', limit: 5 } },
      },
      GatewayCallAnswerSchema,
      5000,
    );
    expect(history.answer).toMatchObject({
      kind: 'error',
      error: { code: 'PRIVILEGE_DENIED', field: 'request.payload.meterId' },
    });
    const malformed = await postToGateway(
      ada.gateway,
      identity,
      ada.gateway,
      GATEWAY_PATHS.call,
      { ...callBody(ada, 'status'), deliver: 'elsewhere' },
      GatewayCallAnswerSchema,
      5000,
    );
    expect(malformed.answer).toMatchObject({
      kind: 'error',
      error: { code: 'MALFORMED_REQUEST', field: 'deliver' },
    });
  }, 60_000);
});

describe('the channel to the gateway', () => {
  it('a gateway with another certificate at the pinned address is CERTIFICATE_INVALID (field tls): nothing sent', async () => {
    const impostorDir = join(root, 'impostor');
    await ensureDataDir(impostorDir);
    const impostor = await startGateway({
      dataDir: impostorDir,
      host: '127.0.0.1',
      port: 0,
      vault: createVaultClient({ dataDir: () => impostorDir }),
      logger: pino({ level: 'silent' }),
      onPairingCode: () => undefined,
    });
    try {
      const dir = join(root, 'ada');
      const ada = (await readInterfaceSetup(dir)) as InterfaceSetup;
      const moved = await newInterfaceDir('moved');
      await writeInterfaceSetup(moved, { ...ada, gateway: { ...ada.gateway, port: impostor.port } });
      await writeFile(join(moved, 'placeholder'), '');
      await copyIdentity(dir, moved);
      expect(impostor.fingerprint).not.toBe(gateway.fingerprint);
      expect(await refusal(forward(moved, 'status', {}))).toMatchObject({
        code: 'CERTIFICATE_INVALID',
        field: 'tls',
        details: { sent: false },
      });
    } finally {
      await impostor.close();
    }
  }, 60_000);

  it('a print to a printer this machine does not have is PRINTER_NOT_FOUND before anything is forwarded', async () => {
    const dir = join(root, 'ada');
    const ada = (await readInterfaceSetup(dir)) as InterfaceSetup;
    const offline = await newInterfaceDir('offline');
    await copyIdentity(dir, offline);
    // The gateway is unreachable here, so a forwarded call could only be GATEWAY_UNREACHABLE.
    await writeInterfaceSetup(offline, { ...ada, gateway: { ...ada.gateway, port: await freePort() } });
    const print = {
      meterId: METER,
      userId: 'ada',
      transaction: {
        kind: 'postage',
        postageMills: 100,
        mailingDate: '2026-11-26',
        rateCategory: 'FCLT',
        originZip: '10001',
        destinationZip: null,
      },
      medium: 'label-4x6',
      printerId: 'folder:nowhere',
      sender: null,
      recipient: null,
    };
    expect(await refusal(forward(offline, 'print', print))).toMatchObject({
      code: 'PRINTER_NOT_FOUND',
      field: 'printerId',
    });
    expect(
      await refusal(forward(offline, 'print', { ...print, printerId: 'gateway:cups:Office' })),
    ).toMatchObject({
      code: 'GATEWAY_UNREACHABLE',
    });
  }, 60_000);

  it('an answer to another request, or one that is not the protocol’s, is INVALID_FIELD naming where', async () => {
    const dir = join(root, 'ada');
    const ada = (await readInterfaceSetup(dir)) as InterfaceSetup;
    // The pinned gateway itself answering wrongly (a bug, or a gateway process replaced by another program).
    const keys = await loadOrCreateTlsIdentity(join(gatewayDir, 'gateway', 'tls'), 'unused');
    let reply: (body: Record<string, unknown>) => unknown = () => ({});
    const liar = createHttpsServer(
      { key: keys.keyPem, cert: keys.certPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(reply(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>)),
          );
        });
      },
    );
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    try {
      const wrong = await newInterfaceDir('lied-to');
      await copyIdentity(dir, wrong);
      await writeInterfaceSetup(wrong, {
        ...ada,
        gateway: { ...ada.gateway, port: (liar.address() as AddressInfo).port },
      });
      const answer = (requestId: unknown) => ({
        protocol: 1,
        requestId,
        kind: 'response',
        for: 'lock',
        payload: { locked: true },
        job: null,
      });
      reply = () => answer('someone-elses-request');
      expect(await refusal(forward(wrong, 'status', {}))).toMatchObject({
        code: 'INVALID_FIELD',
        field: 'answer.requestId',
      });
      reply = (body) => answer(body.requestId);
      expect(await refusal(forward(wrong, 'status', {}))).toMatchObject({
        code: 'INVALID_FIELD',
        field: 'answer.for',
      });
      reply = (body) => ({ ...answer(body.requestId), payload: { locked: 'no' } });
      expect(await refusal(forward(wrong, 'status', {}))).toMatchObject({ code: 'INVALID_FIELD' });
    } finally {
      liar.closeAllConnections();
      await new Promise((r) => liar.close(r));
    }
  }, 60_000);

  it('a gateway that is away or silent is GATEWAY_UNREACHABLE, with the reason', async () => {
    const dir = join(root, 'ada');
    const ada = (await readInterfaceSetup(dir)) as InterfaceSetup;
    const away = await newInterfaceDir('away');
    await copyIdentity(dir, away);
    const closedPort = await freePort();
    await writeInterfaceSetup(away, { ...ada, gateway: { ...ada.gateway, port: closedPort } });
    expect(await refusal(forward(away, 'status', {}))).toMatchObject({
      code: 'GATEWAY_UNREACHABLE',
      details: { sent: false, reason: 'ECONNREFUSED' },
    });
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      await writeInterfaceSetup(away, {
        ...ada,
        gateway: { ...ada.gateway, port: (silent.address() as AddressInfo).port },
        timeoutMs: 300,
      });
      expect(await refusal(forward(away, 'status', {}))).toMatchObject({
        code: 'GATEWAY_UNREACHABLE',
        details: { sent: false, reason: 'timeout' },
      });
    } finally {
      silent.close();
    }
  }, 60_000);

  it('the code binds both certificates and both nonces; the commitment binds the gateway nonce', () => {
    const transcript = {
      pairingId: '0'.repeat(32),
      gatewayCertificate: randomBytes(300),
      interfaceCertificate: randomBytes(300),
      gatewayNonce: randomBytes(32),
      interfaceNonce: randomBytes(32),
      name: 'ada desk',
      meterId: METER,
      userId: 'ada',
    };
    const code = pairingCode(transcript);
    expect(code).toMatch(/^\d{6}$/);
    expect(pairingCode({ ...transcript })).toBe(code);
    // Each field changes the code (a collision for one of 8 random changes would be a 1e-6 fluke).
    for (const key of [
      'gatewayCertificate',
      'interfaceCertificate',
      'gatewayNonce',
      'interfaceNonce',
    ] as const) {
      expect(pairingCode({ ...transcript, [key]: randomBytes(32) }), key).not.toBe(code);
    }
    expect(pairingCode({ ...transcript, userId: 'bob' })).not.toBe(code);
    const commitment = pairingCommitment(transcript.pairingId, transcript.gatewayNonce);
    expect(
      Buffer.from(pairingCommitment(transcript.pairingId, randomBytes(32))).equals(Buffer.from(commitment)),
    ).toBe(false);
  });

  it('at most 16 pairings wait at once (TOO_MANY_ATTEMPTS); a pending pairing expires after 10 minutes', async () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const store = new PairingStore(join(root, 'pairings-cap.json'), () => now);
    const ask = (i: number) =>
      store.addPending({
        name: `desk ${i}`,
        user: { meterId: METER, userId: `u${i}` },
        certificateFingerprint: String(i % 10).repeat(64),
        gatewayNonce: randomBytes(32),
      });
    for (let i = 0; i < PAIRING_MAX_PENDING; i += 1) await ask(i);
    expect(await refusal(ask(99))).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    now = new Date(now.getTime() + PAIRING_PENDING_MS + 1000);
    expect((await store.list()).every((p) => p.state === 'void')).toBe(true);
    const fresh = await ask(100);
    expect(await refusal(store.confirm(fresh.pairingId, '123456'))).toMatchObject({
      code: 'PAIRING_REQUIRED',
    });
    expect((await store.list()).filter((p) => p.state !== 'void')).toHaveLength(1);
  });

  it('a pairings file others may read, or edited into nonsense, is LOCAL_STORE_CORRUPT', async () => {
    const file = join(root, 'pairings-copy.json');
    const store = new PairingStore(file);
    await store.addPending({
      name: 'x',
      user: { meterId: METER, userId: 'x' },
      certificateFingerprint: 'a'.repeat(64),
      gatewayNonce: randomBytes(32),
    });
    const { chmod } = await import('node:fs/promises');
    await chmod(file, 0o644);
    expect(await refusal(store.list())).toMatchObject({ code: 'LOCAL_STORE_CORRUPT', field: 'pairings' });
    await chmod(file, 0o600);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"pending"', '"confirmed-by-me"'));
    expect(await refusal(store.list())).toMatchObject({ code: 'LOCAL_STORE_CORRUPT' });
  });
});

// ── helpers ────────────────────────────────────────────────────────────────────────────────────

function callBody(setup: InterfaceSetup, type: 'status') {
  return {
    protocol: PROTOCOL_VERSION,
    requestId: randomBytes(12).toString('base64url'),
    origin: ORIGIN,
    user: setup.user,
    deliver: 'gateway',
    request: { type, payload: {} },
  };
}

async function copyIdentity(from: string, to: string): Promise<void> {
  const { cp } = await import('node:fs/promises');
  await cp(join(from, 'interface-tls'), join(to, 'interface-tls'), { recursive: true });
}

async function freePort(): Promise<number> {
  const server: Server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A client identity issued by some other CA, with the name of a paired machine. */
async function foreignIdentity(commonName: string): Promise<TlsIdentity> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const leafKeys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '0102',
    issuer: 'CN=Some Other CA',
    subject: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const certDer = new Uint8Array(leaf.rawData);
  return { keyPem, certPem: leaf.toString('pem'), certDer, fingerprint: 'unused' };
}

/** POST without a client certificate. */
function rawPost(port: number, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, agent: false },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * A man in the middle on the office network: its own server certificate towards the interface, its
 * own client certificate towards the gateway, relaying every request and answer unchanged.
 */
async function startRelay(
  gatewayPort: number,
  dir: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const identity = await loadOrCreateTlsIdentity(dir, 'Indicium gateway');
  const server = createHttpsServer(
    { key: identity.keyPem, cert: identity.certPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const upstream = httpsRequest(
          {
            host: '127.0.0.1',
            port: gatewayPort,
            path: req.url,
            method: req.method,
            key: identity.keyPem,
            cert: identity.certPem,
            rejectUnauthorized: false,
            agent: false,
            headers: { 'content-type': 'application/json' },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('the gateway and interface commands', () => {
  it('every command has --help', async () => {
    for (const args of [
      ['gateway'],
      ['gateway', 'pairings'],
      ['gateway', 'confirm'],
      ['gateway', 'revoke'],
      ['gateway', 'jobs'],
      ['interface'],
    ]) {
      const help = await cli(gatewayDir, [...args, '--help']);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/^Usage: companion /);
    }
  });

  it('bad input is refused with its field: an address that is not HOST:PORT, a user id, a code that is not six digits', async () => {
    const dir = await newInterfaceDir('usage');
    const badAddress = await cli(dir, [
      'interface',
      '--gateway',
      'office-pc',
      '--meter',
      METER,
      '--user',
      'ada',
    ]);
    expect(badAddress).toMatchObject({ code: 1 });
    expect(badAddress.stderr).toContain('INVALID_INPUT');
    const badUser = await cli(dir, [
      'interface',
      '--gateway',
      '127.0.0.1:1',
      '--meter',
      METER,
      '--user',
      'Ada!',
    ]);
    expect(badUser.stderr).toContain('INVALID_INPUT');
    expect(await readInterfaceSetup(dir)).toBeUndefined();
    const badCode = await cli(gatewayDir, ['gateway', 'confirm', '0'.repeat(32), '--code', '12345']);
    expect(badCode.stderr).toContain('PAIRING_CODE_WRONG');
    const unknown = await cli(gatewayDir, ['gateway', 'revoke', '0'.repeat(32)]);
    expect(unknown.stderr).toContain('INVALID_INPUT');
    expect((await cli(dir, ['interface'])).stdout).toContain('not an interface');
  });
});
