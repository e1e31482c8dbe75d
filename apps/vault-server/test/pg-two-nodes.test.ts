import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, CreateIndiciumAnswer, HistoryAnswer, MetersAnswer } from '@indicium/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutDiscardedChanges } from '../src/auditor/without-discarded-changes.js';
import {
  type HttpAnswer,
  setCookie,
  startVaultProcess,
  type VaultProcess,
} from '../src/http/testing/vault-process.js';
import {
  type MeterUser,
  registerMeter,
  registerUser,
  signUp,
  TRANSACTION,
  type WebCustomer,
} from './support/e2e-protocol-client.js';
import { usePostgresServer } from './support/postgres-test-server.js';
import { vaultctl } from './support/run-vaultctl.js';

/**
 * Two vault nodes on one PostgreSQL database (DESIGN §10), each the real `src/main.ts` in its own
 * process over real HTTPS, each with its own modules — all holding ONE MKS, made by ONE real
 * first-run ceremony on node A. How node B joins (README "Several nodes"), the way an operator
 * does it: `vaultctl export-join-kit` on node A seals the secrets the nodes share (postal CA,
 * provider key, session key, the cluster facts of vault.json) under a passphrase; node B starts
 * on an empty data directory with `--join` and makes its own two modules, out of service, named
 * under its node prefix; then `vaultctl join-modules` clones the MKS into them from node A's
 * master through both nodes' officer endpoints (share envelopes sealed module to module) and puts
 * them in service. No data directory is copied: each module's NVM and storage key exist on one
 * node only, as a hardware module is installed in one machine.
 */
const server = usePostgresServer();

const KIT_PASSPHRASE = 'one cluster, two nodes, one master key set';

let url: string;
let dirA: string;
let dirB: string;
let nodeA: VaultProcess;
let nodeB: VaultProcess;
let serialsA: string[];
let serialsB: string[];
/** Node B between its start with --join and join-modules: what /healthz and /readyz answered. */
let waiting: { health: number; ready: number; modules: { serial: string; inService: boolean }[] };

const ARGS = (databaseUrl: string) => [
  '--database-url',
  databaseUrl,
  '--meter-stock',
  '1',
  '--audit-interval',
  '3600',
  '--pool-size',
  '2',
];

const serialsOf = async (dir: string) =>
  (
    JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8')) as { modules: { serial: string }[] }
  ).modules.map((m) => m.serial);

beforeAll(async () => {
  url = await server().createDatabase('cluster');
  dirA = await mkdtemp(join(tmpdir(), 'indicium-node-a-'));
  const rootB = await mkdtemp(join(tmpdir(), 'indicium-node-b-'));
  dirB = join(rootB, 'data');
  // Node A: the cluster's one first run (a master and a clone of its MKS).
  nodeA = await startVaultProcess(dirA, ARGS(url));
  // Node A's operator seals the join kit; node B's operator gets it and, separately, the passphrase.
  const kit = join(rootB, 'node-b.kit');
  const passphraseFile = join(rootB, 'kit-passphrase');
  await writeFile(passphraseFile, `${KIT_PASSPHRASE}\n`, { mode: 0o600 });
  const exported = await vaultctl([
    '--data-dir',
    dirA,
    'export-join-kit',
    '--out',
    kit,
    '--passphrase-file',
    passphraseFile,
  ]);
  expect(exported.code, exported.err).toBe(0);
  // Node B joins on an empty data directory: its own modules, out of service; no ceremony.
  nodeB = await startVaultProcess(dirB, [
    ...ARGS(url),
    '--join',
    kit,
    '--join-passphrase-file',
    passphraseFile,
  ]);
  waiting = {
    health: (await nodeB.request('GET', '/healthz')).status,
    ready: (await nodeB.request('GET', '/readyz')).status,
    modules: JSON.parse(await readFile(join(dirB, 'vault.json'), 'utf8')).modules,
  };
  const b = ['--vault', nodeB.url, '--data-dir', dirB, '--credentials', join(dirB, 'officers.json')];
  const joined = await vaultctl([
    ...b,
    'join-modules',
    '--source-vault',
    nodeA.url,
    '--source-ca',
    join(dirA, 'tls', 'dev-ca.cert.pem'),
    '--source',
    'M0001',
    '--source-credentials',
    join(dirA, 'officers.json'),
  ]);
  expect(joined.code, joined.err).toBe(0);
  [serialsA, serialsB] = await Promise.all([serialsOf(dirA), serialsOf(dirB)]);
}, 600_000);

afterAll(async () => {
  await Promise.allSettled([nodeA?.stop(), nodeB?.stop()]);
  await Promise.all(
    [dirA, dirB === undefined ? undefined : join(dirB, '..')].map((d) =>
      d === undefined ? undefined : rm(d, { recursive: true, force: true }),
    ),
  );
}, 60_000);

const errorOf = (answer: HttpAnswer) => answer.json<{ error: { code: string } }>().error;
const key = () => randomBytes(12).toString('base64url');

const PASSWORD = 'correct horse battery staple';

/** The same web customer logged in on `node` (sessions live in the shared database). */
async function logIn(node: VaultProcess, email: string): Promise<WebCustomer> {
  const answer = await node.request('POST', '/v1/account/login', {
    body: { protocol: 1, email, password: PASSWORD },
  });
  expect(answer.status).toBe(200);
  const session = answer.json<{ customer: { customerId: string }; csrfToken: string }>();
  const cookie = setCookie(answer, '__Host-indicium-session');
  if (cookie === undefined) throw new Error('no session cookie');
  return {
    customerId: session.customer.customerId,
    call: (method, path, body) =>
      node.request(method, path, {
        ...(body === undefined ? {} : { body }),
        headers: {
          cookie: `__Host-indicium-session=${cookie.value}`,
          'x-csrf-token': session.csrfToken,
          origin: node.url,
        },
      }),
  };
}

/** A meter as the web API of `node` shows it. */
async function meterOn(node: VaultProcess, email: string, meterId: string) {
  const web = await logIn(node, email);
  const meters = (await web.call('GET', '/v1/meters')).json<MetersAnswer>().meters;
  const history = (await web.call('GET', `/v1/meters/${meterId}/history?limit=100`)).json<HistoryAnswer>();
  return { meter: meters.find((m) => m.meterId === meterId), history: history.items };
}

/** A meter of `web` with `count` users (registered through node A) and `amountMills` bought. */
async function meterWithUsers(web: WebCustomer, admin: string, count: number, amountMills: number) {
  const first = await registerMeter(nodeA, web, admin);
  await first.user.getChallenge();
  const users = [first.user];
  for (let i = 1; i < count; i++) {
    await first.user.addUser(`${admin}${i}`);
    users.push((await registerUser(nodeA, web, first.meterId, 'add-user', `${admin}${i}`)).user);
  }
  await buy(web, first.meterId, amountMills);
  for (const u of users) await u.getChallenge();
  return { meterId: first.meterId, users };
}

async function buy(web: WebCustomer, meterId: string, amountMills: number): Promise<void> {
  const bought = await web.call('POST', `/v1/meters/${meterId}/purchases`, {
    protocol: 1,
    amountMills,
    idempotencyKey: key(),
  });
  expect(bought.status).toBe(200);
}

interface Printed {
  readonly meterId: string;
  readonly indicium: string;
  readonly ar: number;
}

/**
 * One user's chain of Create Indicium requests, each sent to a node picked at random among
 * `nodes()`. A request whose node died under it (no answer) is sent again, unchanged, to a live
 * node: a committed one answers with the stored answer, an uncommitted one runs once (§4.3).
 */
async function printChain(
  user: MeterUser,
  requests: number,
  nodes: () => readonly VaultProcess[],
  printed: Printed[],
): Promise<string[]> {
  const refused: string[] = [];
  for (let n = 0; n < requests; n++) {
    const request = user.request({ ...TRANSACTION, postageMills: 500 });
    let answer: HttpAnswer | undefined;
    for (let attempt = 0; answer === undefined; attempt++) {
      const live = nodes();
      user.vault = live[randomInt(live.length)] as VaultProcess;
      try {
        answer = await user.send(request);
      } catch (error) {
        if (attempt > 20) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (answer.status === 200) {
      const body = answer.json<CreateIndiciumAnswer>();
      user.accept(request, body);
      printed.push({ meterId: user.meterId, indicium: body.indicium, ar: body.ascendingRegisterMills });
    } else {
      refused.push(errorOf(answer).code);
    }
  }
  return refused;
}

/** Every module's audit entries, as the shared database holds them. */
async function auditLogs(): Promise<{ moduleSerial: string; entries: AuditEntry[] }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (
      await client.query<{ module_id: string; entry_json: string }>(
        'SELECT module_id, entry_json FROM audit_entries ORDER BY module_id, sequence',
      )
    ).rows;
    const logs = new Map<string, AuditEntry[]>();
    for (const r of rows) logs.set(r.module_id, [...(logs.get(r.module_id) ?? []), JSON.parse(r.entry_json)]);
    return [...logs].map(([moduleSerial, entries]) => ({ moduleSerial, entries }));
  } finally {
    await client.end();
  }
}

/**
 * Per meter, every successful package change in all modules' logs, in package-version order (the
 * order the meter's changes were committed in): each version used once, and the AR never going
 * down. (Version order, not time order: each module stamps entries with its own clock, and two
 * modules' clocks may differ by more than the few milliseconds between two pieces of one meter.)
 */
function registersNeverGoBack(
  logs: readonly { moduleSerial: string; entries: readonly AuditEntry[] }[],
): void {
  const byMeter = new Map<string, { version: number; ar: number; what: string }[]>();
  // A crash-restarted module's Auto-Recover Checkpoint names the changes it rolled back (units that
  // never committed, whose entries the audit outbox still delivered); as the auditor does, they are
  // not the meter's history. A replay no such entry explains still fails below.
  for (const { moduleSerial, entries } of withoutDiscardedChanges(logs)) {
    for (const entry of entries) {
      const { meterId, ascendingRegisterMills, packageVersion } = entry.data;
      if (entry.reasonCode !== 'OK' || meterId === undefined) continue;
      if (ascendingRegisterMills === undefined || packageVersion === undefined) continue;
      const list = byMeter.get(meterId) ?? [];
      list.push({
        version: Number(packageVersion),
        ar: Number(ascendingRegisterMills),
        what: `${moduleSerial}#${entry.sequence} ${entry.command} v${packageVersion} AR ${ascendingRegisterMills}`,
      });
      byMeter.set(meterId, list);
    }
  }
  for (const [meterId, changes] of byMeter) {
    const sorted = changes.sort((a, b) => a.version - b.version);
    const trail = () => sorted.map((c) => c.what).join('\n');
    expect(
      new Set(sorted.map((c) => c.version)).size,
      `meter ${meterId}: a version used twice\n${trail()}`,
    ).toBe(sorted.length);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]?.ar, `meter ${meterId}: AR went down\n${trail()}`).toBeGreaterThanOrEqual(
        sorted[i - 1]?.ar ?? 0,
      );
    }
  }
}

interface AuditRun {
  readonly modules: readonly {
    moduleSerial: string;
    result: string;
    problems: readonly { index: number; kind: string }[];
  }[];
}

/**
 * Each node's auditor (`POST /v1/auditor/verify`): every module's chain and signatures verify up to
 * its signed head — also the modules of a node that was SIGKILLed (`crashed`): an entry such a
 * module chained for a command whose unit never committed stayed in the module's audit outbox,
 * and the restarted node stored it before the module served anything, so no chain has a hole.
 */
async function expectChainsVerify(crashed: readonly string[] = []): Promise<void> {
  for (const node of [nodeA, nodeB]) {
    const answer = await node.request('POST', '/v1/auditor/verify');
    expect(answer.status).toBe(200);
    const run = answer.json<AuditRun>();
    expect(run.modules.length).toBe(2);
    for (const m of run.modules) {
      const why = crashed.includes(m.moduleSerial)
        ? `${m.moduleSerial} (its node was SIGKILLed)`
        : m.moduleSerial;
      expect(m.result, `${why}: ${answer.text}`).toBe('verified');
    }
  }
}

describe('two vault nodes on one PostgreSQL database', () => {
  it('node B joined without a ceremony: up but not ready until vaultctl join-modules cloned its modules', () => {
    expect(waiting).toEqual({ health: 200, ready: 503, modules: [] });
  });

  it('run their own modules, all clones of one MKS, under serials that never collide', async () => {
    const [a, b] = await Promise.all([
      readFile(join(dirA, 'vault.json'), 'utf8'),
      readFile(join(dirB, 'vault.json'), 'utf8'),
    ]);
    const manifestA = JSON.parse(a) as { modules: { serial: string; inService: boolean }[]; mks: unknown };
    const manifestB = JSON.parse(b) as {
      modules: { serial: string; inService: boolean }[];
      mks: unknown;
      node: { id: string; serialPrefix: string };
    };
    expect(serialsA).toEqual(['M0001', 'M0002']);
    expect(manifestB.node.serialPrefix).toBe(`N${manifestB.node.id}-`);
    expect(serialsB).toEqual([`N${manifestB.node.id}-M0001`, `N${manifestB.node.id}-M0002`]);
    expect(serialsA.filter((s) => serialsB.includes(s))).toEqual([]);
    expect([...manifestA.modules, ...manifestB.modules].every((m) => m.inService)).toBe(true);
    expect(manifestB.mks).toEqual(manifestA.mks);
    // B's officers are its own, in its own file; A's file still names only A's modules.
    const officersB = JSON.parse(await readFile(join(dirB, 'officers.json'), 'utf8')) as {
      modules: { serial: string }[];
    };
    const officersA = JSON.parse(await readFile(join(dirA, 'officers.json'), 'utf8')) as {
      modules: { serial: string }[];
    };
    expect(officersB.modules.map((m) => m.serial)).toEqual(serialsB);
    expect(officersA.modules.map((m) => m.serial)).toEqual(serialsA);
    for (const node of [nodeA, nodeB]) expect((await node.request('GET', '/readyz')).status).toBe(200);
  });

  it('a registration token from node A registers the companion through node B, once (tokens live in the database)', {
    timeout: 300_000,
  }, async () => {
    // The web page's requests reach node A, the companion's node B (behind a load balancer).
    const dora = await signUp(nodeA, 'dora@example.test');
    const issued: string[] = [];
    const web: WebCustomer = {
      customerId: dora.customerId,
      async call(method, path, body) {
        const answer = await dora.call(method, path, body);
        if (path.endsWith('/registration-tokens') && answer.status === 201) {
          issued.push(answer.json<{ registrationToken: string }>().registrationToken);
        }
        return answer;
      },
    };
    const { meterId, user } = await registerMeter(nodeB, web, 'dora');
    expect((await user.getChallenge()).meterId).toBe(meterId);
    expect(issued).toHaveLength(1);
    // The same token again, now on node A: it was used up in the unit that registered on node B.
    const again = await nodeA.request('POST', '/v1/registration/challenge', {
      body: { protocol: 1, meterId, registrationToken: issued[0] },
    });
    expect(again.status).toBe(403);
    expect(again.json<{ error: { code: string; field: string } }>().error).toMatchObject({
      code: 'ROLE_DENIED',
      field: 'registrationToken',
    });
  });

  it('concurrent create-indicium load on the same meters through both nodes: no meter overspent, AR + DR = control total, none lost or issued twice, audit verifies', {
    timeout: 600_000,
  }, async () => {
    const carol = await signUp(nodeA, 'carol@example.test');
    const meters = [
      await meterWithUsers(carol, 'carol', 4, 10_000),
      await meterWithUsers(carol, 'cara', 2, 10_000),
    ];
    const printed: Printed[] = [];
    // DR 10 000 buys exactly 20 pieces of 500 per meter; 32 and 30 requests are asked for.
    const refused = (
      await Promise.all(
        meters.flatMap((m) =>
          m.users.map((u) => printChain(u, m.users.length === 4 ? 8 : 15, () => [nodeA, nodeB], printed)),
        ),
      )
    ).flat();
    expect(new Set(refused)).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    for (const { meterId } of meters) {
      const mine = printed.filter((p) => p.meterId === meterId);
      expect(mine).toHaveLength(20);
      expect(new Set(mine.map((p) => p.ar)).size).toBe(20);
      for (const node of [nodeA, nodeB]) {
        const { meter, history } = await meterOn(node, 'carol@example.test', meterId);
        expect(meter).toMatchObject({
          ascendingRegisterMills: 10_000,
          descendingRegisterMills: 0,
          pieceCount: 20,
        });
        expect(history.map((i) => i.pieceCount).sort((x, y) => x - y)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      }
    }
    expect(new Set(printed.map((p) => p.indicium)).size).toBe(printed.length);
    const logs = await auditLogs();
    // Both nodes' modules did the work; the merged logs show no version used twice, no falling AR.
    expect(new Set(logs.map((l) => l.moduleSerial))).toEqual(new Set([...serialsA, ...serialsB]));
    registersNeverGoBack(logs);
    await expectChainsVerify();
  });

  it('a node SIGKILLed in the middle of the load: the other carries on; after its restart nothing is lost and no meter stays locked', {
    timeout: 600_000,
  }, async () => {
    const dave = await signUp(nodeA, 'dave@example.test');
    const meter = await meterWithUsers(dave, 'dave', 3, 15_000);
    const printed: Printed[] = [];
    let bAlive = true;
    const live = () => (bAlive ? [nodeA, nodeB] : [nodeA]);
    // 30 pieces of 500 are affordable; 3 users ask for 12 each.
    const chains = meter.users.map((u) => printChain(u, 12, live, printed));
    while (printed.length < 8) await new Promise((r) => setTimeout(r, 20));
    await nodeB.stop('SIGKILL');
    bAlive = false;
    const refused = (await Promise.all(chains)).flat();
    expect(new Set(refused)).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    expect(printed).toHaveLength(30);
    expect(new Set(printed.map((p) => p.ar)).size).toBe(30);

    nodeB = await startVaultProcess(dirB, ARGS(url));
    bAlive = true;
    expect((await meterOn(nodeB, 'dave@example.test', meter.meterId)).meter).toMatchObject({
      ascendingRegisterMills: 15_000,
      descendingRegisterMills: 0,
      pieceCount: 30,
    });
    // No meter stays locked: the restarted node takes the same meter at once, for more pieces.
    await buy(await logIn(nodeB, 'dave@example.test'), meter.meterId, 2_000);
    for (const u of meter.users) {
      u.vault = nodeB;
      await u.getChallenge();
    }
    const after = (
      await Promise.all(meter.users.map((u) => printChain(u, 2, () => [nodeB], printed)))
    ).flat();
    expect(after.filter((c) => c !== 'INSUFFICIENT_FUNDS')).toEqual([]);
    expect(printed).toHaveLength(34);
    for (const node of [nodeA, nodeB]) {
      const { meter: seen, history } = await meterOn(node, 'dave@example.test', meter.meterId);
      expect(seen).toMatchObject({
        ascendingRegisterMills: 17_000,
        descendingRegisterMills: 0,
        pieceCount: 34,
      });
      expect(history.map((i) => i.pieceCount).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 34 }, (_, i) => i + 1),
      );
    }
    expect(new Set(printed.map((p) => p.indicium)).size).toBe(printed.length);
    await expectChainsVerify(serialsB);
    registersNeverGoBack(await auditLogs());
  });
});
