import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackageHeader } from '@indicium/crypto-module';
import {
  type CreateIndiciumAnswer,
  OFFICER_PATHS,
  type PackageAnswer,
  type PackageListAnswer,
  type VerifyAnswer,
} from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultProcess, type VaultProcess } from '../src/http/testing/vault-process.js';
import {
  type MeterUser,
  registerMeter,
  signUp,
  TRANSACTION,
  type WebCustomer,
} from './support/e2e-protocol-client.js';
import { exportJoinKit, joinFlags, joinModulesFrom, nodeFlags } from './support/join-cluster.js';
import { usePostgresServer } from './support/postgres-test-server.js';
import { vaultctl } from './support/run-vaultctl.js';

/**
 * `vaultctl rollover` across a cluster (DESIGN §3.4, §10), with the real processes: node A (the
 * first run: M0001 the master, M0002) and node B (joined: its two modules cloned from A's master)
 * on one PostgreSQL database. A rollover against A that does not name B is refused before any
 * module is touched (the shared module table shows B's modules); with `--node B` the new MKS
 * reaches every module of both nodes, both vaults record the same translated crypto-card, every
 * package moves to it once and `--delete-old` removes the old MKS from all four modules; both
 * nodes then print, the indicia verify, and both auditors verify every chain. The tests run in
 * order and build on each other.
 */
const server = usePostgresServer();
const PASSPHRASE = 'one cluster, one rollover';
// No meter stock: nothing runs in the background, so "nothing changed" can be checked exactly.
const ARGS = ['--meter-stock', '0', '--audit-interval', '3600', '--pool-size', '2'];

type Customer = { web: WebCustomer; meterId: string; user: MeterUser };
type Status = { serial: string; activeMksVersion: number | null; auditSequence: number; verified: boolean };
type Card = { tokens: Record<string, unknown>; mks: { version: number; kcv: string } };

let root: string;
let dirA: string;
let dirB: string;
let nodeA: VaultProcess;
let nodeB: VaultProcess;
let alice: Customer;
let bob: Customer;
/** The crypto-card both vaults recorded after the first rollover (tokens under MKS v2). */
let v2Card: Card;

/** Flags naming node B to a rollover run against node A. */
const withB = () => [
  '--node',
  nodeB.url,
  '--node-credentials',
  join(dirB, 'officers.json'),
  '--node-ca',
  join(dirB, 'tls', 'dev-ca.cert.pem'),
];

async function status(node: VaultProcess, dir: string): Promise<Status[]> {
  const run = await vaultctl([...nodeFlags(node, dir), 'status']);
  expect(run.code, run.err).toBe(0);
  const rows = JSON.parse(run.out) as Status[];
  expect(rows.every((r) => r.verified)).toBe(true);
  return rows;
}

/** Every module of both nodes: its active MKS and the sequence its next audit entry will carry. */
const statuses = async () =>
  [...(await status(nodeA, dirA)), ...(await status(nodeB, dirB))].map((r) => ({
    serial: r.serial,
    activeMksVersion: r.activeMksVersion,
    auditSequence: r.auditSequence,
  }));

/** The MKS version of every stored package's clear header, read through node `via`'s officer routes. */
async function packageVersions(via: VaultProcess): Promise<Map<string, number>> {
  const page = (await via.request('GET', `${OFFICER_PATHS.packages}?limit=500`)).json<PackageListAnswer>();
  expect(page.next).toBeNull();
  const versions = new Map<string, number>();
  for (const { meterId } of page.packages) {
    const one = await via.request('GET', OFFICER_PATHS.package.replace('{meterId}', meterId));
    const bytes = Buffer.from(one.json<PackageAnswer>().package, 'base64');
    versions.set(meterId, readPackageHeader(bytes).mksVersion);
  }
  return versions;
}

const card = async (node: VaultProcess) => (await node.request('GET', OFFICER_PATHS.cryptoCard)).json<Card>();

/** One piece printed by `customer` through `via`, verified by both nodes. */
async function printThrough(via: VaultProcess, customer: Customer): Promise<void> {
  customer.user.vault = via;
  await customer.user.getChallenge();
  const request = customer.user.request(TRANSACTION);
  const answer = await customer.user.send(request);
  expect(answer.status, answer.text).toBe(200);
  const body = answer.json<CreateIndiciumAnswer>();
  customer.user.accept(request, body);
  for (const node of [nodeA, nodeB]) {
    const verified = await node.request('POST', '/v1/verify', {
      body: { protocol: 1, indicium: body.indicium },
    });
    expect(verified.json<VerifyAnswer>()).toMatchObject({ valid: true, deviceId: customer.meterId });
  }
}

async function customer(name: string, via: VaultProcess): Promise<Customer> {
  const web = await signUp(via, `${name}@example.test`);
  const { meterId, user } = await registerMeter(via, web);
  const bought = await web.call('POST', `/v1/meters/${meterId}/purchases`, {
    protocol: 1,
    amountMills: 10_000,
    idempotencyKey: `buy-${name}-0001`,
  });
  expect(bought.status, bought.text).toBe(200);
  return { web, meterId, user };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-rollover-cluster-'));
  dirA = join(root, 'a');
  dirB = join(root, 'b');
  const url = await server().createDatabase('rollover_cluster');
  nodeA = await startVaultProcess(dirA, ['--database-url', url, ...ARGS]);
  const kit = join(root, 'b.kit');
  const passphraseFile = join(root, 'passphrase');
  await writeFile(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const exported = await exportJoinKit(dirA, kit, passphraseFile);
  expect(exported.code, exported.err).toBe(0);
  nodeB = await startVaultProcess(dirB, ['--database-url', url, ...ARGS, ...joinFlags(kit, passphraseFile)]);
  const joined = await vaultctl([...nodeFlags(nodeB, dirB), ...joinModulesFrom(nodeA, dirA)]);
  expect(joined.code, joined.err).toBe(0);
  alice = await customer('alice', nodeA);
  bob = await customer('bob', nodeB);
}, 300_000);

afterAll(async () => {
  await Promise.allSettled([nodeA?.stop(), nodeB?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe('vaultctl rollover across two nodes on one database (DESIGN §3.4, §10)', () => {
  it('before: both nodes print under MKS v1, every module holds v1 active', async () => {
    await printThrough(nodeA, alice);
    await printThrough(nodeB, bob);
    const rows = await statuses();
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.activeMksVersion)).toEqual([1, 1, 1, 1]);
    expect([...(await packageVersions(nodeA)).values()]).toEqual([1, 1]);
  });

  it('without --node B: refused up front (WRONG_STATE, field node) naming B’s modules; nothing changed on any module', async () => {
    const before = await statuses();
    const serialsB = before.filter((r) => r.serial.startsWith('N')).map((r) => r.serial);
    expect(serialsB).toHaveLength(2);
    const run = await vaultctl([...nodeFlags(nodeA, dirA), 'rollover', '--delete-old']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('WRONG_STATE (node)');
    for (const serial of serialsB) expect(run.err).toContain(serial);
    expect(run.err).toContain(`${serialsB[0]?.slice(0, 10)}`);
    expect(run.err).toContain('pass --node <url> --node-credentials <officers.json> for each');
    expect(run.out).toBe('');
    // No session was opened, no command ran: every module's audit sequence is where it was.
    expect(await statuses()).toEqual(before);
    expect([...(await packageVersions(nodeA)).values()]).toEqual([1, 1]);
    expect((await card(nodeA)).mks.version).toBe(1);
    expect((await card(nodeB)).mks.version).toBe(1);
  });

  it('a node named twice (A itself) and a --node without its credentials are refused too, nothing changed', async () => {
    const before = await statuses();
    const twice = await vaultctl([
      ...nodeFlags(nodeA, dirA),
      'rollover',
      ...withB(),
      '--node',
      nodeA.url,
      '--node-credentials',
      join(dirA, 'officers.json'),
      '--node-ca',
      join(dirA, 'tls', 'dev-ca.cert.pem'),
    ]);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('INVALID_FIELD (node)');
    expect(twice.err).toContain('the same node named twice');
    const unpaired = await vaultctl([...nodeFlags(nodeA, dirA), 'rollover', '--node', nodeB.url]);
    expect(unpaired.code).toBe(1);
    expect(unpaired.err).toContain('INVALID_FIELD (nodeCredentials)');
    expect(await statuses()).toEqual(before);
  });

  it('with --node B --delete-old: the new MKS on all four modules, one card on both nodes, every package under v2, v1 gone everywhere', async () => {
    const run = await vaultctl([...nodeFlags(nodeA, dirA), 'rollover', ...withB(), '--delete-old']);
    expect(run.code, run.err).toBe(0);
    const serials = (await statuses()).map((r) => r.serial);
    for (const serial of serials) {
      expect(run.err).toContain(`${serial}: MKS v2 active`);
      expect(run.err).toContain(`${serial}: MKS v1 deleted`);
    }
    expect(run.err).toContain(`${nodeB.url}: crypto-card tokens under MKS v2 recorded`);
    // The master left A's PSD service while it exported shares, and came back.
    expect(run.err).toContain('M0001: out of PSD service for the clone');
    expect(run.err.indexOf('M0001: back in PSD service')).toBeGreaterThan(
      run.err.indexOf('M0001: out of PSD service for the clone'),
    );
    expect(run.err).toContain('translated 2/2 meters');
    expect(JSON.parse(run.out)).toMatchObject({
      mks: { version: 2 },
      previous: 1,
      packages: { found: 2, translated: 2 },
      remaining: 0,
      failed: [],
      deleted: true,
    });
    expect((await statuses()).map((r) => r.activeMksVersion)).toEqual([2, 2, 2, 2]);
    expect([...(await packageVersions(nodeA)).values()]).toEqual([2, 2]);
    v2Card = await card(nodeA);
    expect(await card(nodeB)).toEqual(v2Card);
    expect(v2Card.mks.version).toBe(2);
    for (const [node, dir] of [
      [nodeA, dirA],
      [nodeB, dirB],
    ] as const) {
      for (const { serial } of await status(node, dir)) {
        const gone = await vaultctl([
          ...nodeFlags(node, dir),
          '--module',
          serial,
          '--as',
          'so',
          'delete-mks',
          '--version',
          '1',
        ]);
        expect(gone.code).toBe(1);
        expect(gone.err).toContain('INVALID_FIELD (version)');
      }
    }
    // B's vault.json records the new card too (a module added on B later loads it).
    const manifest = JSON.parse(await readFile(join(dirB, 'vault.json'), 'utf8')) as {
      mks: { version: number };
    };
    expect(manifest.mks.version).toBe(2);
  });

  it('after: both nodes print for both customers, the indicia verify, both auditors verify every chain', async () => {
    for (const via of [nodeA, nodeB]) {
      await printThrough(via, alice);
      await printThrough(via, bob);
    }
    await auditorsVerify();
  });

  it('a rollover interrupted before node B recorded the new card: a new rollover is refused, --resume from B naming A finishes it on every node', async () => {
    const run = await vaultctl([...nodeFlags(nodeA, dirA), 'rollover', ...withB()]);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ mks: { version: 3 }, deleted: false, remaining: 0 });
    const oldCardOfB = await card(nodeB);
    expect(oldCardOfB.mks.version).toBe(3);
    // As if vaultctl died after recording the new card on A but before B: B's vault holds the
    // tokens under v2. (A module will not go back to an older MKS: activate-mks v2 is refused.)
    const [first, second] = (await status(nodeB, dirB)).map((r) => r.serial);
    const back = await vaultctl([
      ...nodeFlags(nodeB, dirB),
      '--module',
      second as string,
      '--as',
      'so',
      'activate-mks',
      '--version',
      '2',
    ]);
    expect(back.code).toBe(1);
    expect(back.err).toContain('INVALID_FIELD (version)');
    const cardV2 = { protocol: 1, tokens: v2Card.tokens, mks: v2Card.mks };
    expect((await nodeB.request('PUT', OFFICER_PATHS.cryptoCard, { body: cardV2 })).status).toBe(200);
    expect((await card(nodeB)).mks.version).toBe(2);
    expect((await statuses()).map((r) => r.activeMksVersion)).toEqual([3, 3, 3, 3]);

    // A new rollover would start from a split cluster: refused, nothing changed.
    const before = await statuses();
    const refused = await vaultctl([...nodeFlags(nodeA, dirA), 'rollover', ...withB()]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('KEY_CHECK_FAILED (node)');
    expect(refused.err).toContain('--resume');
    expect(await statuses()).toEqual(before);

    const resumed = await vaultctl([
      ...nodeFlags(nodeB, dirB),
      'rollover',
      '--resume',
      '--delete-old',
      ...nodeFlagsOfA(),
    ]);
    expect(resumed.code, resumed.err).toBe(0);
    // Active everywhere already: nothing activated again.
    expect(resumed.err).not.toContain('MKS v3 active');
    expect(resumed.err).toContain('this node: crypto-card tokens under MKS v3 recorded');
    expect(JSON.parse(resumed.out)).toMatchObject({
      mks: { version: 3 },
      packages: { found: 0 },
      remaining: 0,
      deleted: true,
    });
    expect((await statuses()).map((r) => r.activeMksVersion)).toEqual([3, 3, 3, 3]);
    expect(await card(nodeB)).toEqual(await card(nodeA));
    expect((await card(nodeB)).mks.version).toBe(3);
    expect([...(await packageVersions(nodeB)).values()]).toEqual([3, 3]);
    for (const serial of ['M0001', 'M0002', first, second])
      expect(resumed.err).toContain(`${serial}: MKS v2 deleted`);
    for (const via of [nodeB, nodeA]) {
      await printThrough(via, alice);
      await printThrough(via, bob);
    }
    await auditorsVerify();
  });
});

async function auditorsVerify(): Promise<void> {
  for (const node of [nodeA, nodeB]) {
    const audit = await node.request('POST', '/v1/auditor/verify');
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json<{ valid: boolean }>(), audit.text).toMatchObject({ valid: true });
  }
}

/** Flags naming node A to a rollover run against node B. */
function nodeFlagsOfA(): string[] {
  return [
    '--node',
    nodeA.url,
    '--node-credentials',
    join(dirA, 'officers.json'),
    '--node-ca',
    join(dirA, 'tls', 'dev-ca.cert.pem'),
  ];
}
