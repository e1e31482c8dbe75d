import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { verify, webcrypto, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseIndicium, toBase64 } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/companion-cli.js';
import {
  type CompanionConfig,
  emptyConfig,
  ensureDataDir,
  writeConfig,
} from '../src/config/companion-config.js';
import { companionPaths } from '../src/config/companion-paths.js';
import { gatewayPaths } from '../src/gateway/gateway-paths.js';
import { x509 } from '../src/gateway/x509-library.js';
import {
  type InterfaceSetup,
  readInterfaceSetup,
  writeInterfaceSetup,
} from '../src/interface/interface-setup.js';
import { ensureCupsPdfQueue, REJECTING_QUEUE } from '../src/print/cups.fixture.js';
import { runTool } from '../src/print/run-tool.js';
import { rasterizePdf, scanDataMatrix } from '../src/render/print-tools.fixture.js';
import { SecretStore } from '../src/secrets/secret-store.js';
import { administerUsers } from './gateway-admin.fixture.js';
import {
  BrowserPort,
  createOfficeNetwork,
  LineReader,
  type Machine,
  type OfficeNetwork,
  spawnCompanion,
} from './gateway-office.fixture.js';
import { type RealVault, signUpCustomer, startRealVault } from './vault-harness.fixture.js';

/**
 * The small office of DESIGN §9 with every part real and in its own process: the vault
 * (`apps/vault-server/src/main.ts`), the gateway (`companion gateway`) beside a CUPS queue
 * (cups-pdf), and two colleagues' interface companions — each paired by `companion interface`
 * and driven through its native-messaging host as the browser does — in their own network
 * namespaces (loopback only where namespaces cannot be made). Both print through the gateway into
 * the one queue; every PDF decodes to an indicium that verifies; registers and per-user totals
 * add up; refusals print nothing.
 */

const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = 'https://office.example';
const ADA_PASSPHRASE = 'ada’s own long passphrase';
const BOB_PASSPHRASE = 'bob’s quite different passphrase';
const BOB_LIMIT_MILLS = 1000;
/** The office printer: a cups-pdf queue of this run's own, so no other test's jobs mix in. */
const OFFICE_QUEUE = `IndiciumOffice${process.pid}`;

let root: string;
let vault: RealVault;
let network: OfficeNetwork;
let web: Awaited<ReturnType<typeof signUpCustomer>>;
let meterId: string;
let postalCaPem: string;
let cups: { queue: string; outputDir: string };
let gatewayDir: string;
let gateway: ChildProcessWithoutNullStreams;
let gatewayOut: LineReader;
let gatewayPort: number;
const machines: Record<
  'ada' | 'bob' | 'carol' | 'dave',
  { machine: Machine; dir: string; port?: BrowserPort }
> = {} as never;

async function gatewayCli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await runCli(args, {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: { PATH: process.env.PATH, INDICIUM_COMPANION_HOME: gatewayDir },
    home: root,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function interfaceDir(name: string): Promise<string> {
  const dir = join(root, name);
  await ensureDataDir(dir);
  await mkdir(join(root, `${name}-desk`));
  const config: CompanionConfig = {
    ...emptyConfig(),
    origins: [ORIGIN],
    chromeExtensionIds: [EXTENSION_ID],
    printFolders: { desk: join(root, `${name}-desk`) },
  };
  await writeConfig(companionPaths(dir).config, config);
  return dir;
}

/**
 * `companion interface --gateway …` on the machine; the person reads the gateway's code on its
 * screen and types it, and types the interface's code into `gateway confirm` (or `confirmWith`).
 */
async function pair(
  who: 'ada' | 'bob' | 'carol',
  confirmWith?: (code: string) => string,
): Promise<{ pairingId: string; confirmed: { code: number; stderr: string } }> {
  const { machine, dir } = machines[who];
  const child = spawnCompanion(
    machine,
    'companion.ts',
    [
      'interface',
      '--gateway',
      `${machine.gatewayHost}:${gatewayPort}`,
      '--meter',
      meterId,
      '--user',
      who,
      '--name',
      `${who} desk`,
    ],
    { INDICIUM_COMPANION_HOME: dir },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const shown = await new LineReader(child).waitFor(
    /^pairing (\S+): this computer shows code (\d{3}) (\d{3})$/,
  );
  const pairingId = shown[1] as string;
  const interfaceCode = `${shown[2]}${shown[3]}`;
  const onGateway = await gatewayOut.waitFor(
    new RegExp(`^pairing ${pairingId} from "${who} desk" for ${who}@${meterId}: code (\\d{3}) (\\d{3})`),
  );
  const gatewayCode = `${onGateway[1]}${onGateway[2]}`;
  expect(gatewayCode).toBe(interfaceCode);
  child.stdin.end(`${gatewayCode}\n`);
  expect(await exited, stderr).toBe(0);
  const confirmed = await gatewayCli([
    'gateway',
    'confirm',
    pairingId,
    '--code',
    (confirmWith ?? ((c) => c))(interfaceCode),
  ]);
  return { pairingId, confirmed };
}

function printPayload(userId: string, postageMills: number, printerId: string | null) {
  return {
    meterId,
    userId,
    transaction: {
      kind: 'postage',
      postageMills,
      mailingDate: '2026-11-26',
      rateCategory: 'FCLT',
      originZip: '10001',
      destinationZip: '94507',
    },
    medium: 'label-4x6',
    printerId,
    sender: ['Ada Lovelace', '12 Main St', 'New York NY 10001'],
    recipient: ['Grace Hopper', '1 Navy Yard Rd', 'Danville CA 94507'],
  };
}

async function registrationToken(mode: 'configure' | 'add-user', userId: string): Promise<string> {
  const token = await web.call<{ registrationToken: string }>(
    'POST',
    `/v1/meters/${meterId}/registration-tokens`,
    {
      protocol: 1,
      mode,
      userId,
    },
  );
  return token.registrationToken;
}

/** Decodes a PDF as a scanner would and checks the indicium under its meter certificate and at the vault. */
async function verifiedIndicium(pdf: Uint8Array) {
  const bytes = await scanDataMatrix(await rasterizePdf(pdf, 300));
  expect(bytes).toHaveLength(114);
  const { fields, signedPart, signature } = parseIndicium(bytes);
  const certificate = new X509Certificate(
    (await vault.request('GET', `/v1/certificates/${fields.certificateSerial}`)).text,
  );
  expect(certificate.checkIssued(new X509Certificate(postalCaPem))).toBe(true);
  expect(certificate.verify(new X509Certificate(postalCaPem).publicKey)).toBe(true);
  expect(
    verify('sha256', signedPart, { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
  ).toBe(true);
  const checked = await vault.request('POST', '/v1/verify', {
    body: { protocol: 1, indicium: toBase64(bytes) },
  });
  expect(JSON.parse(checked.text)).toMatchObject({ valid: true, deviceId: meterId });
  return fields;
}

/** Jobs the office queue has taken, completed or not (`lpstat -W all`). */
async function officeJobs(): Promise<number> {
  const listed = await runTool('lpstat', ['-W', 'all', '-o', OFFICE_QUEUE]);
  return listed.stdout.split('\n').filter((line) => line.startsWith(`${OFFICE_QUEUE}-`)).length;
}

/** The PDF cups-pdf wrote for one job: its file name starts with the job title, `indicium-<id>`. */
async function officePdf(indiciumId: string): Promise<Uint8Array> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const name = (await readdir(cups.outputDir).catch(() => [] as string[])).find(
      (f) => f.startsWith(`indicium-${indiciumId}`) && f.endsWith('.pdf'),
    );
    if (name !== undefined) {
      const first = (await readFile(join(cups.outputDir, name))).length;
      await new Promise((r) => setTimeout(r, 300));
      const bytes = await readFile(join(cups.outputDir, name));
      if (first > 0 && bytes.length === first) return new Uint8Array(bytes);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no PDF for indicium ${indiciumId} in ${cups.outputDir}`);
}

const indiciumIdOf = (answer: unknown) =>
  (answer as { payload: { indicium: { indiciumId: string } } }).payload.indicium.indiciumId;

const vaultPieces = async () =>
  (await web.call<{ items: unknown[] }>('GET', `/v1/meters/${meterId}/history?limit=100`)).items.length;

async function adminHmk(): Promise<Uint8Array> {
  // The customer administrator opens their own sealed record on the gateway with their passphrase.
  const store = new SecretStore({
    file: gatewayPaths(gatewayDir).userSecrets(meterId, 'ada'),
    idleTimeoutMs: 60_000,
  });
  await store.unlock(ADA_PASSPHRASE);
  try {
    return store.meterUser(meterId, 'ada').hmk;
  } finally {
    store.lock();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gateway-office-'));
  [vault, network, cups] = await Promise.all([
    startRealVault(join(root, 'vault')),
    createOfficeNetwork(4),
    ensureCupsPdfQueue(),
  ]);
  const added = await runTool('lpadmin', [
    '-p',
    OFFICE_QUEUE,
    '-v',
    'cups-pdf:/',
    '-E',
    '-m',
    'lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd',
  ]);
  if (added.code !== 0) throw new Error(`lpadmin: ${added.stderr}`);
  postalCaPem = (await vault.request('GET', '/v1/ca')).text;
  web = await signUpCustomer(vault, 'office@example.com');
  const licence = await web.call<{ meterId: string | null }>('POST', '/v1/licences', {
    protocol: 1,
    licensingZip: '10001',
    idempotencyKey: 'office-licence-1',
  });
  if (licence.meterId === null) throw new Error('no meter assigned');
  meterId = licence.meterId;

  gatewayDir = join(root, 'gateway');
  await ensureDataDir(gatewayDir);
  await writeConfig(companionPaths(gatewayDir).config, {
    ...emptyConfig(),
    origins: [ORIGIN],
    vault: { url: vault.url, caPem: postalCaPem, tlsCaPem: vault.devCaPem },
    defaultPrinter: `cups:${OFFICE_QUEUE}`,
  });
  const listen = network.mode === 'netns' ? '0.0.0.0:0' : '127.0.0.1:0';
  gateway = spawnCompanion(null, 'companion.ts', ['gateway', '--listen', listen], {
    INDICIUM_COMPANION_HOME: gatewayDir,
  });
  gatewayOut = new LineReader(gateway);
  gatewayPort = Number(
    (await gatewayOut.waitFor(/^gateway listening on \S+:(\d+) certificate sha256 [0-9a-f]{64}$/))[1],
  );
  const names = ['ada', 'bob', 'carol', 'dave'] as const;
  for (const [i, name] of names.entries()) {
    machines[name] = { machine: network.machines[i] as Machine, dir: await interfaceDir(name) };
  }
}, 600_000);

afterAll(async () => {
  for (const m of Object.values(machines)) await m.port?.close();
  if (gateway !== undefined && gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
  }
  await network?.close();
  await vault?.stop();
  await runTool('lpadmin', ['-x', OFFICE_QUEUE]);
  await rm(root, { recursive: true, force: true });
});

describe('a small office: one gateway, one meter, one printer, two colleagues', () => {
  it('each interface machine is its own network namespace that reaches the gateway and not the vault', async () => {
    expect(network.mode).toBe('netns');
    const probe = spawnCompanion(machines.ada.machine, 'companion.ts', ['interface'], {
      INDICIUM_COMPANION_HOME: machines.ada.dir,
    });
    const out = new LineReader(probe);
    await out.waitFor(/not an interface/);
    const { execFile } = await import('node:child_process');
    const curlVault = await new Promise<number>((resolve) =>
      execFile(
        'ip',
        [
          'netns',
          'exec',
          machines.ada.machine.netns as string,
          'curl',
          '-sk',
          '--max-time',
          '2',
          `https://127.0.0.1:${vault.port}/healthz`,
        ],
        (error) => resolve(error === null ? 0 : ((error as { code?: number }).code ?? 1)),
      ),
    );
    expect(curlVault).not.toBe(0);
  }, 60_000);

  it('Ada pairs, registers as the meter’s customer administrator through the gateway, and prints on the office queue', async () => {
    const { confirmed } = await pair('ada');
    expect(confirmed.code).toBe(0);
    const ada = new BrowserPort(machines.ada.machine, EXTENSION_ID, machines.ada.dir);
    machines.ada.port = ada;
    expect(await ada.hello()).toMatchObject({ kind: 'hello', component: 'companion' });
    const registered = await ada.call(ORIGIN, 'register', {
      mode: 'configure',
      meterId,
      customerId: web.customerId,
      userId: 'ada',
      registrationToken: await registrationToken('configure', 'ada'),
      passphrase: ADA_PASSPHRASE,
    });
    expect(registered).toMatchObject({ ok: true, payload: { meterId, userId: 'ada' } });
    await web.call('POST', `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 20_000,
      idempotencyKey: 'office-purchase-1',
    });
    // The HMK lives on the gateway, sealed under Ada's passphrase; nothing secret on her machine.
    expect((await readdir(machines.ada.dir)).sort()).not.toContain('secrets.json');

    const printers = await ada.call(ORIGIN, 'printers', {});
    expect(printers).toMatchObject({ ok: true });
    const ids = (
      printers as unknown as { payload: { printers: { printerId: string }[] } }
    ).payload.printers.map((p) => p.printerId);
    expect(ids).toEqual(expect.arrayContaining([`gateway:cups:${OFFICE_QUEUE}`, 'folder:desk']));

    const before = await officeJobs();
    const printed = await ada.call(ORIGIN, 'print', printPayload('ada', 730, `gateway:cups:${OFFICE_QUEUE}`));
    expect(printed).toMatchObject({ ok: true, payload: { printed: true, ascendingRegisterMills: 730 } });
    expect(await officeJobs()).toBe(before + 1);
    const fields = await verifiedIndicium(await officePdf(indiciumIdOf(printed)));
    expect(fields).toMatchObject({
      postageMills: 730,
      ascendingRegisterMills: 730,
      descendingRegisterMills: 19_270,
      sample: true,
    });
  }, 300_000);

  it('a print the office printer refuses is kept; its one reprint comes back to Ada’s own printer', async () => {
    const ada = machines.ada.port as BrowserPort;
    const refused = await ada.call(
      ORIGIN,
      'print',
      printPayload('ada', 500, `gateway:cups:${REJECTING_QUEUE}`),
    );
    expect(refused).toMatchObject({ ok: true, payload: { printed: false, ascendingRegisterMills: 1230 } });
    const indiciumId = indiciumIdOf(refused);
    const reprint = { indiciumId, medium: 'label-4x6', printerId: 'folder:desk' };
    expect(await ada.call(ORIGIN, 'reprint', reprint)).toMatchObject({
      ok: true,
      payload: { printed: true, indicium: { indiciumId, status: 'printed' } },
    });
    const desk = join(root, 'ada-desk');
    const files = (await readdir(desk)).filter((f) => f.endsWith('.pdf'));
    expect(files).toEqual([`indicium-${indiciumId}-reprint.pdf`]);
    expect(
      await verifiedIndicium(new Uint8Array(await readFile(join(desk, files[0] as string)))),
    ).toMatchObject({
      postageMills: 500,
      ascendingRegisterMills: 1230,
    });
    expect(await ada.call(ORIGIN, 'reprint', reprint)).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_PRINTED' },
    });
  }, 300_000);

  it('the administrator adds Bob with a maximum total; Bob pairs and registers with his own passphrase', async () => {
    const added = await administerUsers(
      vault,
      { meterId, userId: 'ada', hmk: await adminHmk() },
      {
        action: 'add',
        targetUserId: 'bob',
        maximumTotalMills: BOB_LIMIT_MILLS,
      },
    );
    expect(added.users.find((u) => u.userId === 'bob')).toMatchObject({
      maximumTotalMills: BOB_LIMIT_MILLS,
      registered: false,
    });
    expect((await pair('bob')).confirmed.code).toBe(0);
    const bob = new BrowserPort(machines.bob.machine, EXTENSION_ID, machines.bob.dir);
    machines.bob.port = bob;
    await bob.hello();
    const registered = await bob.call(ORIGIN, 'register', {
      mode: 'add-user',
      meterId,
      customerId: web.customerId,
      userId: 'bob',
      registrationToken: await registrationToken('add-user', 'bob'),
      passphrase: BOB_PASSPHRASE,
    });
    expect(registered).toMatchObject({ ok: true, payload: { userId: 'bob' } });
    // Each user's HMK is sealed under their own passphrase: Ada's opens only with hers.
    const bobStore = new SecretStore({
      file: gatewayPaths(gatewayDir).userSecrets(meterId, 'bob'),
      idleTimeoutMs: 60_000,
    });
    await expect(bobStore.unlock(ADA_PASSPHRASE)).rejects.toMatchObject({ code: 'PASSPHRASE_WRONG' });
  }, 300_000);

  it('a locked gateway user must unlock first; then Bob prints on the same office queue', async () => {
    const bob = machines.bob.port as BrowserPort;
    expect(await bob.call(ORIGIN, 'lock', {})).toMatchObject({ ok: true, payload: { locked: true } });
    const before = await officeJobs();
    const locked = await bob.call(ORIGIN, 'print', printPayload('bob', 600, `gateway:cups:${OFFICE_QUEUE}`));
    expect(locked).toMatchObject({ ok: false, error: { code: 'COMPANION_LOCKED' } });
    expect(await officeJobs()).toBe(before);
    expect(await bob.call(ORIGIN, 'unlock', { passphrase: ADA_PASSPHRASE })).toMatchObject({
      ok: false,
      error: { code: 'PASSPHRASE_WRONG' },
    });
    expect(await bob.call(ORIGIN, 'unlock', { passphrase: BOB_PASSPHRASE })).toMatchObject({ ok: true });
    // Ada's session on the gateway is hers: Bob's unlock did not touch it, nor hers his.
    const printed = await bob.call(ORIGIN, 'print', printPayload('bob', 600, `gateway:cups:${OFFICE_QUEUE}`));
    expect(printed).toMatchObject({ ok: true, payload: { printed: true } });
    expect(await officeJobs()).toBe(before + 1);
    const fields = await verifiedIndicium(await officePdf(indiciumIdOf(printed)));
    expect(fields).toMatchObject({
      postageMills: 600,
      ascendingRegisterMills: 1830,
      descendingRegisterMills: 18_170,
    });
  }, 300_000);

  it('Bob has the job returned to his own printer; it decodes and verifies', async () => {
    const bob = machines.bob.port as BrowserPort;
    const cupsBefore = await officeJobs();
    const printed = await bob.call(ORIGIN, 'print', printPayload('bob', 300, 'folder:desk'));
    expect(printed).toMatchObject({
      ok: true,
      payload: { printed: true, ascendingRegisterMills: 2130, descendingRegisterMills: 17_870 },
    });
    const desk = join(root, 'bob-desk');
    const files = (await readdir(desk)).filter((f) => f.endsWith('.pdf'));
    expect(files).toHaveLength(1);
    expect(
      await verifiedIndicium(new Uint8Array(await readFile(join(desk, files[0] as string)))),
    ).toMatchObject({
      postageMills: 300,
    });
    expect(await officeJobs()).toBe(cupsBefore);
  }, 300_000);

  it('refusals print nothing: over the maximum total, as another user, unpaired, a wrong code, a foreign certificate, revoked', async () => {
    const bob = machines.bob.port as BrowserPort;
    const cupsBefore = await officeJobs();
    const piecesBefore = await vaultPieces();

    // 900 printed + 200 > Bob's 1000 maximum total: the module refuses.
    expect(
      await bob.call(ORIGIN, 'print', printPayload('bob', 200, `gateway:cups:${OFFICE_QUEUE}`)),
    ).toMatchObject({
      ok: false,
      error: { code: 'USER_TOTAL_EXCEEDED' },
    });
    // Bob's machine asks to print as Ada.
    expect(
      await bob.call(ORIGIN, 'print', printPayload('ada', 100, `gateway:cups:${OFFICE_QUEUE}`)),
    ).toMatchObject({
      ok: false,
      error: { code: 'PRIVILEGE_DENIED', field: 'request.payload.userId' },
    });

    // Carol's machine: pairing started, but the gateway operator typed a wrong code.
    const carolPairing = await pair('carol', (code) =>
      String((Number(code) + 1) % 1_000_000).padStart(6, '0'),
    );
    expect(carolPairing.confirmed).toMatchObject({ code: 1 });
    expect(carolPairing.confirmed.stderr).toContain('PAIRING_CODE_WRONG');
    const carol = new BrowserPort(machines.carol.machine, EXTENSION_ID, machines.carol.dir);
    machines.carol.port = carol;
    await carol.hello();
    expect(
      await carol.call(ORIGIN, 'print', printPayload('carol', 100, `gateway:cups:${OFFICE_QUEUE}`)),
    ).toMatchObject({
      ok: false,
      error: { code: 'PAIRING_REQUIRED' },
    });

    // Dave copies Ada's setup (pin, pairing id, user) but his certificate comes from another CA.
    const adaSetup = (await readInterfaceSetup(machines.ada.dir)) as InterfaceSetup;
    await writeInterfaceSetup(machines.dave.dir, {
      ...adaSetup,
      gateway: { ...adaSetup.gateway, host: machines.dave.machine.gatewayHost },
    });
    await writeForeignIdentity(join(machines.dave.dir, 'interface-tls'), 'ada desk');
    const dave = new BrowserPort(machines.dave.machine, EXTENSION_ID, machines.dave.dir);
    machines.dave.port = dave;
    await dave.hello();
    expect(
      await dave.call(ORIGIN, 'print', printPayload('ada', 100, `gateway:cups:${OFFICE_QUEUE}`)),
    ).toMatchObject({
      ok: false,
      error: { code: 'PAIRING_REQUIRED' },
    });

    // The office revokes Bob's machine: refused from the next request on.
    const bobPairing = JSON.parse(await readFile(join(machines.bob.dir, 'interface.json'), 'utf8')) as {
      pairingId: string;
    };
    expect((await gatewayCli(['gateway', 'revoke', bobPairing.pairingId])).code).toBe(0);
    expect(
      await bob.call(ORIGIN, 'print', printPayload('bob', 50, `gateway:cups:${OFFICE_QUEUE}`)),
    ).toMatchObject({
      ok: false,
      error: { code: 'PAIRING_REVOKED' },
    });

    await new Promise((r) => setTimeout(r, 1500));
    expect(await officeJobs()).toBe(cupsBefore);
    expect(await vaultPieces()).toBe(piecesBefore);
  }, 300_000);

  it('the meter’s registers and the per-user totals add up; every job is logged per user with its printer', async () => {
    const listed = await administerUsers(
      vault,
      { meterId, userId: 'ada', hmk: await adminHmk() },
      { action: 'list' },
    );
    const totals = Object.fromEntries(listed.users.map((u) => [u.userId, u.totalMills]));
    expect(totals).toMatchObject({ ada: 1230, bob: 900 });
    const history = await web.call<{
      items: { postageMills: number; ascendingRegisterMills: number; descendingRegisterMills: number }[];
    }>('GET', `/v1/meters/${meterId}/history?limit=100`);
    expect(history.items).toHaveLength(4);
    expect(history.items.reduce((sum, item) => sum + item.postageMills, 0)).toBe(730 + 500 + 900);
    const latest = history.items.reduce((a, b) =>
      a.ascendingRegisterMills > b.ascendingRegisterMills ? a : b,
    );
    expect(latest).toMatchObject({ ascendingRegisterMills: 2130, descendingRegisterMills: 20_000 - 2130 });

    const jobs = JSON.parse((await gatewayCli(['gateway', 'jobs', '--json'])).stdout) as {
      jobs: {
        user: { userId: string };
        postageMills: number;
        printer: string;
        machine: string;
        printed: boolean;
      }[];
    };
    expect(jobs.jobs.map((j) => [j.user.userId, j.postageMills, j.printer, j.machine, j.printed])).toEqual([
      ['bob', 300, 'interface:bob desk', 'bob desk', true],
      ['bob', 600, `gateway:cups:${OFFICE_QUEUE}`, 'bob desk', true],
      ['ada', 500, 'interface:ada desk', 'ada desk', true],
      ['ada', 500, `gateway:cups:${REJECTING_QUEUE}`, 'ada desk', false],
      ['ada', 730, `gateway:cups:${OFFICE_QUEUE}`, 'ada desk', true],
    ]);
    expect(jobs.jobs.map((j) => (j as unknown as { call: string }).call)).toEqual([
      'print',
      'print',
      'reprint',
      'print',
      'print',
    ]);
    const bobOnly = (await gatewayCli(['gateway', 'jobs', '--user', 'bob'])).stdout.trim().split('\n');
    expect(bobOnly).toHaveLength(2);

    // Each colleague's history through the gateway: their own pieces, with the printer each went to.
    const ada = await (machines.ada.port as BrowserPort).call(ORIGIN, 'history', { meterId, limit: 10 });
    expect(ada).toMatchObject({ ok: true });
    expect((ada as unknown as { payload: { items: unknown[] } }).payload.items).toEqual([
      expect.objectContaining({ postageMills: 500, userId: 'ada', printerId: 'interface:ada desk' }),
      expect.objectContaining({
        postageMills: 730,
        userId: 'ada',
        printerId: `gateway:cups:${OFFICE_QUEUE}`,
      }),
    ]);
    // Bob's machine is revoked by now: his history is on the gateway, readable with `gateway jobs --user bob`.
  }, 300_000);

  it('with the gateway away, a call is GATEWAY_UNREACHABLE', async () => {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
    const ada = machines.ada.port as BrowserPort;
    expect(await ada.call(ORIGIN, 'status', {})).toMatchObject({
      ok: false,
      error: { code: 'GATEWAY_UNREACHABLE', details: { sent: false } },
    });
  }, 60_000);
});

/** A TLS client identity issued by some other CA, written where an interface keeps its own. */
async function writeForeignIdentity(dir: string, commonName: string): Promise<void> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const ca = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const leaf = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '0a0b',
    issuer: 'CN=Elsewhere CA',
    subject: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leaf.privateKey)).toString('base64');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(
    join(dir, 'tls.key.pem'),
    `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`,
    {
      mode: 0o600,
    },
  );
  await writeFile(join(dir, 'tls.cert.pem'), certificate.toString('pem'), { mode: 0o600 });
}
