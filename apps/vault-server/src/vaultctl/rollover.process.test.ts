import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { readPackageHeader } from '@indicium/crypto-module';
import {
  type CreateIndiciumAnswer,
  OFFICER_PATHS,
  type PackageListAnswer,
  type VerifyAnswer,
} from '@indicium/protocol';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MeterUser,
  registerMeter,
  signUp,
  TRANSACTION,
  type WebCustomer,
} from '../../test/support/e2e-protocol-client.js';
import { startVaultProcess, type VaultProcess } from '../http/testing/vault-process.js';
import { runVaultctl } from './vaultctl-program.js';

/**
 * `vaultctl rollover` end to end (DESIGN §3.4, §3.6): the real vault (`src/main.ts`) in its own
 * process over real HTTPS with two modules, two customers' meters and MeterGen's stock, and
 * vaultctl in this process. The tests run in order and build on each other: officer package
 * routes refused where they must be; a package edited in the database stops the sweep from
 * deleting the old MKS; once it is put back, `--resume --delete-old` finishes; every package is
 * under the new MKS, the old one is gone, the meter still prints and its indicium verifies, and
 * the auditor verifies every chain.
 */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && !i.internal && i.family === 'IPv4')?.address;

let dataDir: string;
let vault: VaultProcess;
let alice: { web: WebCustomer; meterId: string; user: MeterUser };
let bob: { web: WebCustomer; meterId: string; user: MeterUser };
let bobOriginal: Buffer;

const withDb = <T>(work: (db: Database.Database) => T): T => {
  const db = new Database(join(dataDir, 'vault.db'));
  try {
    return work(db);
  } finally {
    db.close();
  }
};
const packages = () =>
  withDb(
    (db) =>
      db
        .prepare('SELECT meter_id, package_version, package_bytes FROM psd_packages ORDER BY meter_id')
        .all() as {
        meter_id: string;
        package_version: number;
        package_bytes: Buffer;
      }[],
  );
const packageOf = (meterId: string) => packages().find((p) => p.meter_id === meterId);
const setPackageBytes = (meterId: string, bytes: Buffer) =>
  withDb((db) =>
    db.prepare('UPDATE psd_packages SET package_bytes = ? WHERE meter_id = ?').run(bytes, meterId),
  );

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

async function vaultctl(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  const stdin = new PassThrough();
  stdin.end();
  const code = await runVaultctl(
    ['--vault', vault.url, '--data-dir', dataDir, '--credentials', join(dataDir, 'officers.json'), ...args],
    { stdin, stdout: out.stream, stderr: err.stream, env: {} },
  );
  return { code, out: out.text(), err: err.text() };
}

type Refusal = { error: { code: string; field?: string } };
const officer = (method: string, path: string, body?: unknown) =>
  vault.request(method, path, body === undefined ? {} : { body });

async function printAndVerify(customer: { user: MeterUser }): Promise<void> {
  await customer.user.getChallenge();
  const request = customer.user.request(TRANSACTION);
  const answer = await customer.user.send(request);
  expect(answer.status, answer.text).toBe(200);
  const body = answer.json<CreateIndiciumAnswer>();
  customer.user.accept(request, body);
  const verified = await vault.request('POST', '/v1/verify', {
    body: { protocol: 1, indicium: body.indicium },
  });
  expect(verified.json<VerifyAnswer>()).toMatchObject({ valid: true, deviceId: customer.user.meterId });
}

async function customer(email: string): Promise<{ web: WebCustomer; meterId: string; user: MeterUser }> {
  const web = await signUp(vault, email);
  const { meterId, user } = await registerMeter(vault, web);
  const bought = await web.call('POST', `/v1/meters/${meterId}/purchases`, {
    protocol: 1,
    amountMills: 10_000,
    idempotencyKey: `buy-${email.split('@')[0]}-0001`,
  });
  expect(bought.status, bought.text).toBe(200);
  return { web, meterId, user };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'indicium-rollover-'));
  vault = await startVaultProcess(dataDir, [
    '--pool-size',
    '2',
    '--host',
    '0.0.0.0',
    '--meter-stock',
    '1',
    '--audit-interval',
    '3600',
  ]);
  alice = await customer('alice@example.test');
  bob = await customer('bob@example.test');
}, 300_000);

afterAll(async () => {
  await vault?.stop();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('vaultctl rollover translates every meter package (DESIGN §3.4)', () => {
  it('before: the meters print under MKS v1 and every package is under v1', async () => {
    await printAndVerify(alice);
    await printAndVerify(bob);
    const rows = packages();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.map((r) => readPackageHeader(r.package_bytes).mksVersion)).toEqual(rows.map(() => 1));
    const listed = await officer('GET', `${OFFICER_PATHS.packages}?mksVersion=1&limit=2`);
    expect(listed.status).toBe(200);
    const page = listed.json<PackageListAnswer>();
    expect(page.packages).toHaveLength(2);
    expect(page.next).toBe(page.packages[1]?.meterId);
  });

  it('the package routes answer only this machine: OFFICER_LOCAL_ONLY from another address', async () => {
    expect(external, 'this test needs a non-loopback IPv4 interface').toBeDefined();
    const paths = [
      ['GET', OFFICER_PATHS.packages],
      ['GET', OFFICER_PATHS.package.replace('{meterId}', alice.meterId)],
      ['PUT', OFFICER_PATHS.package.replace('{meterId}', alice.meterId)],
      ['POST', OFFICER_PATHS.translation.replace('{meterId}', alice.meterId)],
      ['POST', OFFICER_PATHS.psdService.replace('{serial}', 'M0001')],
    ] as const;
    for (const [method, path] of paths) {
      const answer = await new Promise<{ status: number; json: Refusal }>((resolve, reject) => {
        const req = request(
          {
            host: external,
            localAddress: external,
            port: vault.port,
            path,
            method,
            ca: vault.devCaPem,
            servername: 'localhost',
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => {
              text += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Refusal }));
          },
        );
        req.on('error', reject);
        req.end(method === 'GET' ? undefined : '{}');
      });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.json.error.code).toBe('OFFICER_LOCAL_ONLY');
    }
  });

  it('storing refuses a module in PSD service (WRONG_STATE) and a wrong replacesVersion (STALE_PACKAGE); nothing changes', async () => {
    const before = packageOf(alice.meterId);
    if (before === undefined) throw new Error('no package');
    const store = (replacesVersion: number) =>
      officer('PUT', OFFICER_PATHS.package.replace('{meterId}', alice.meterId), {
        protocol: 1,
        module: 'M0001',
        replacesVersion,
        package: before.package_bytes.toString('base64'),
        checkpoint: Buffer.alloc(96, 7).toString('base64'),
      });
    const inService = await store(before.package_version);
    expect(inService.status).toBe(409);
    expect(inService.json<Refusal>().error).toMatchObject({ code: 'WRONG_STATE', field: 'module' });

    const service = OFFICER_PATHS.psdService.replace('{serial}', 'M0001');
    expect((await officer('POST', service, { protocol: 1, psdService: false })).status).toBe(200);
    try {
      const rowBefore = withDb((db) =>
        db.prepare("SELECT checkpoint FROM modules WHERE module_id = 'M0001'").get(),
      );
      const stale = await store(before.package_version + 3);
      expect(stale.json<Refusal>().error).toMatchObject({ code: 'STALE_PACKAGE', field: 'replacesVersion' });
      expect(packageOf(alice.meterId)).toEqual(before);
      expect(
        withDb((db) => db.prepare("SELECT checkpoint FROM modules WHERE module_id = 'M0001'").get()),
      ).toEqual(rowBefore);
      const otherMeter = await officer('PUT', OFFICER_PATHS.package.replace('{meterId}', bob.meterId), {
        protocol: 1,
        module: 'M0001',
        replacesVersion: before.package_version,
        package: before.package_bytes.toString('base64'),
        checkpoint: Buffer.alloc(96, 7).toString('base64'),
      });
      expect(otherMeter.json<Refusal>().error).toMatchObject({ code: 'INVALID_FIELD', field: 'package' });
    } finally {
      expect((await officer('POST', service, { protocol: 1, psdService: true })).status).toBe(200);
    }
    // M0001 serves meters again, in step with its row.
    await printAndVerify(alice);
    await printAndVerify(alice);
  });

  it('a package edited in the database: translation refused, nothing stored, old MKS kept, exit 1', async () => {
    const original = packageOf(bob.meterId);
    if (original === undefined) throw new Error('no package');
    bobOriginal = original.package_bytes;
    const tampered = Buffer.from(bobOriginal);
    const at = tampered.length - 40;
    tampered[at] = (tampered[at] as number) ^ 0x01;
    setPackageBytes(bob.meterId, tampered);

    const run = await vaultctl(['rollover', '--delete-old']);
    expect(run.code, run.err).toBe(1);
    expect(run.err).toMatch(/package\(s\) to translate to MKS v2 on M0001/);
    expect(run.err).toContain(`${bob.meterId}: NOT translated`);
    expect(run.err).toContain('PACKAGE_INTEGRITY');
    expect(run.err).toMatch(/translated \d+\/\d+ meters/);
    expect(run.err).toContain('WRONG_STATE');
    expect(run.err).toContain('1 meter package(s) are still under an older MKS');
    expect(run.err).not.toContain('MKS v1 deleted');
    const summary = JSON.parse(run.out) as {
      deleted: boolean;
      remaining: number;
      failed: { meterId: string }[];
    };
    expect(summary).toMatchObject({
      deleted: false,
      remaining: 1,
      failed: [{ meterId: bob.meterId, code: 'PACKAGE_INTEGRITY' }],
    });
    // Nothing stored for bob; everyone else moved to v2.
    expect(packageOf(bob.meterId)?.package_bytes).toEqual(tampered);
    for (const row of packages().filter((r) => r.meter_id !== bob.meterId)) {
      expect(readPackageHeader(row.package_bytes).mksVersion).toBe(2);
    }
    // v1 is still held: a package under it can still be translated once it is whole again.
    await printAndVerify(alice);
  });

  it('with the package whole again, --resume --delete-old finishes: all under v2, v1 gone everywhere', async () => {
    setPackageBytes(bob.meterId, bobOriginal);
    const run = await vaultctl(['rollover', '--resume', '--delete-old']);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toContain('translated 1/1 meters');
    expect(run.err).toContain('M0001: MKS v1 deleted');
    expect(run.err).toContain('M0002: MKS v1 deleted');
    expect(JSON.parse(run.out)).toMatchObject({
      mks: { version: 2 },
      remaining: 0,
      failed: [],
      deleted: true,
    });

    for (const row of packages()) expect(readPackageHeader(row.package_bytes).mksVersion).toBe(2);
    const status = JSON.parse((await vaultctl(['status'])).out) as { activeMksVersion: number }[];
    expect(status.map((s) => s.activeMksVersion)).toEqual([2, 2]);
    for (const serial of ['M0001', 'M0002']) {
      const gone = await vaultctl(['--module', serial, '--as', 'so', 'delete-mks', '--version', '1']);
      expect(gone.code).toBe(1);
      expect(gone.err).toContain('INVALID_FIELD');
    }
  });

  it('the meters still print and verify, a second run has nothing to do, and the auditor verifies every chain', async () => {
    await printAndVerify(alice);
    await printAndVerify(bob);
    const again = await vaultctl(['rollover', '--resume', '--delete-old']);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ packages: { found: 0, translated: 0 }, deleted: true });
    const audit = await vault.request('POST', '/v1/auditor/verify');
    expect(audit.status).toBe(200);
    expect(audit.json<{ valid: boolean }>(), audit.text).toMatchObject({ valid: true });
  });
});
