import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { readPackageHeader } from '@indicium/crypto-module';
import {
  type CreateIndiciumAnswer,
  OFFICER_PATHS,
  type PackageAnswer,
  type PackageListAnswer,
  type VerifyAnswer,
} from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MeterUser,
  registerMeter,
  signUp,
  TRANSACTION,
  type WebCustomer,
} from '../../test/support/e2e-protocol-client.js';
import { type E2eStore, postgresE2eStore, sqliteE2eStore } from '../../test/support/e2e-store.js';
import { startVaultProcess, type VaultProcess } from '../http/testing/vault-process.js';
import { runVaultctl } from './vaultctl-program.js';

/**
 * `vaultctl rollover` end to end (DESIGN §3.4, §3.6): the real vault (`src/main.ts`) in its own
 * process over real HTTPS with two modules, two customers' meters and MeterGen's stock, and
 * vaultctl in this process; on SQLite and on PostgreSQL (where the meter hold is the store's
 * lock across nodes). The tests run in order and build on each other: officer package routes
 * refused where they must be; a package edited in the database stops the sweep from deleting the
 * old MKS; once it is put back, `--resume --delete-old` finishes; every package is under the new
 * MKS, the old one is gone, the meters still print and their indicia verify, and the auditor
 * verifies every chain.
 */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && !i.internal && i.family === 'IPv4')?.address;

type Customer = { web: WebCustomer; meterId: string; user: MeterUser };
type Refusal = { error: { code: string; field?: string } };
type StoredPackage = { meterId: string; version: number; bytes: Buffer };

let dataDir: string;
let store: E2eStore;
let vault: VaultProcess;
let alice: Customer;
let bob: Customer;
let bobOriginal: Buffer;

const officer = (method: string, path: string, body?: unknown) =>
  vault.request(method, path, body === undefined ? {} : { body });
const packagePath = (meterId: string) => OFFICER_PATHS.package.replace('{meterId}', meterId);

/** Every stored package, read through the officer routes: list pages of two, then each package. */
async function packages(): Promise<StoredPackage[]> {
  const all: StoredPackage[] = [];
  let after: string | null = null;
  do {
    const cursor: string = after === null ? '' : `&after=${after}`;
    const page = (
      await officer('GET', `${OFFICER_PATHS.packages}?limit=2${cursor}`)
    ).json<PackageListAnswer>();
    for (const { meterId } of page.packages) {
      const one = (await officer('GET', packagePath(meterId))).json<PackageAnswer>();
      all.push({ meterId, version: one.version, bytes: Buffer.from(one.package, 'base64') });
    }
    after = page.next;
  } while (after !== null);
  return all;
}

async function packageOf(meterId: string): Promise<StoredPackage> {
  const { bytes, version } = await store.readPackage(meterId);
  return { meterId, version, bytes };
}

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

async function printAndVerify(customer: Customer): Promise<void> {
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

async function customer(name: string): Promise<Customer> {
  const web = await signUp(vault, `${name}@example.test`);
  const { meterId, user } = await registerMeter(vault, web);
  const bought = await web.call('POST', `/v1/meters/${meterId}/purchases`, {
    protocol: 1,
    amountMills: 10_000,
    idempotencyKey: `buy-${name}-0001`,
  });
  expect(bought.status, bought.text).toBe(200);
  return { web, meterId, user };
}

/** A request from this machine's non-loopback address (the vault listens on every interface). */
function fromOutside(method: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
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
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' || method === 'PUT' ? '{}' : undefined);
  });
}

describe.each([sqliteE2eStore(), postgresE2eStore()])(
  'vaultctl rollover on $name (DESIGN §3.4)',
  (variant) => {
    beforeAll(async () => {
      store = variant;
      dataDir = await mkdtemp(join(tmpdir(), 'indicium-rollover-'));
      await store.open(dataDir);
      vault = await startVaultProcess(dataDir, [
        ...store.vaultArgs(),
        '--pool-size',
        '2',
        '--host',
        '0.0.0.0',
        '--meter-stock',
        '1',
        '--audit-interval',
        '3600',
      ]);
      alice = await customer('alice');
      bob = await customer('bob');
    }, 300_000);

    afterAll(async () => {
      await vault?.stop();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('before: the meters print under MKS v1 and every package is under v1', async () => {
      await printAndVerify(alice);
      await printAndVerify(bob);
      const rows = await packages();
      // Alice's, Bob's and MeterGen's fresh stock.
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(rows.map((r) => readPackageHeader(r.bytes).mksVersion)).toEqual(rows.map(() => 1));
      expect(await packageOf(alice.meterId)).toEqual(rows.find((r) => r.meterId === alice.meterId));
      const page = (await officer('GET', `${OFFICER_PATHS.packages}?mksVersion=2`)).json<PackageListAnswer>();
      expect(page).toMatchObject({ packages: [], next: null });
    });

    it('the package routes answer only this machine: OFFICER_LOCAL_ONLY from another address', async () => {
      expect(external, 'this test needs a non-loopback IPv4 interface').toBeDefined();
      const routes = [
        ['GET', OFFICER_PATHS.packages],
        ['GET', packagePath(alice.meterId)],
        ['PUT', packagePath(alice.meterId)],
        ['POST', OFFICER_PATHS.translation.replace('{meterId}', alice.meterId)],
        ['DELETE', OFFICER_PATHS.translation.replace('{meterId}', alice.meterId)],
        ['POST', OFFICER_PATHS.psdService.replace('{serial}', 'M0001')],
      ] as const;
      for (const [method, path] of routes) {
        const answer = await fromOutside(method, path);
        expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(403);
        expect((JSON.parse(answer.text) as Refusal).error.code).toBe('OFFICER_LOCAL_ONLY');
      }
    });

    it('storing refuses a module in PSD service (WRONG_STATE), a wrong replacesVersion (STALE_PACKAGE) and another meter; nothing changes', async () => {
      const before = await packageOf(alice.meterId);
      const storeAs = (meterId: string, replacesVersion: number) =>
        officer('PUT', packagePath(meterId), {
          protocol: 1,
          module: 'M0001',
          replacesVersion,
          package: before.bytes.toString('base64'),
          checkpoint: Buffer.alloc(96, 7).toString('base64'),
        });
      const inService = await storeAs(alice.meterId, before.version);
      expect(inService.status).toBe(409);
      expect(inService.json<Refusal>().error).toMatchObject({ code: 'WRONG_STATE', field: 'module' });

      const service = OFFICER_PATHS.psdService.replace('{serial}', 'M0001');
      expect((await officer('POST', service, { protocol: 1, psdService: false })).status).toBe(200);
      try {
        const rowBefore = await store.readModule('M0001');
        const stale = await storeAs(alice.meterId, before.version + 3);
        expect(stale.json<Refusal>().error).toMatchObject({
          code: 'STALE_PACKAGE',
          field: 'replacesVersion',
        });
        const otherMeter = await storeAs(bob.meterId, before.version);
        expect(otherMeter.json<Refusal>().error).toMatchObject({ code: 'INVALID_FIELD', field: 'package' });
        expect(await packageOf(alice.meterId)).toEqual(before);
        expect(await store.readModule('M0001')).toEqual(rowBefore);
      } finally {
        expect((await officer('POST', service, { protocol: 1, psdService: true })).status).toBe(200);
      }
      // Both modules serve meters again, in step with their rows (pieces alternate between them).
      await printAndVerify(alice);
      await printAndVerify(alice);
    });

    it('a package edited in the database: translation refused, nothing stored, old MKS kept, exit 1', async () => {
      bobOriginal = (await packageOf(bob.meterId)).bytes;
      const tampered = Buffer.from(bobOriginal);
      const at = tampered.length - 40;
      tampered[at] = (tampered[at] as number) ^ 0x01;
      await store.writePackageBytes(bob.meterId, tampered);

      const run = await vaultctl(['rollover', '--delete-old']);
      expect(run.code, run.err).toBe(1);
      // In Importing Shares the clone refuses PSD commands: it is out of PSD service meanwhile.
      expect(run.err).toContain('M0002: out of PSD service for the import');
      expect(run.err.indexOf('M0002: back in PSD service')).toBeGreaterThan(
        run.err.indexOf('M0002: out of PSD service for the import'),
      );
      expect(run.err).toMatch(/\d+ meter package\(s\) to translate to MKS v2 on M0001/);
      expect(run.err).toContain(`${bob.meterId}: NOT translated: PACKAGE_INTEGRITY`);
      expect(run.err).toMatch(/translated \d+\/\d+ meters/);
      expect(run.err).toContain('WRONG_STATE');
      expect(run.err).toContain('1 meter package(s) are still under an older MKS');
      expect(run.err).not.toContain('MKS v1 deleted');
      expect(JSON.parse(run.out)).toMatchObject({
        deleted: false,
        remaining: 1,
        failed: [{ meterId: bob.meterId, code: 'PACKAGE_INTEGRITY' }],
      });
      // Nothing stored for Bob; every other package moved to v2.
      expect((await packageOf(bob.meterId)).bytes).toEqual(tampered);
      for (const row of (await packages()).filter((r) => r.meterId !== bob.meterId)) {
        expect(readPackageHeader(row.bytes).mksVersion).toBe(2);
      }
      await printAndVerify(alice);
    });

    it('with the package whole again, --resume --delete-old finishes: all under v2, v1 gone everywhere', async () => {
      await store.writePackageBytes(bob.meterId, bobOriginal);
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

      for (const row of await packages()) expect(readPackageHeader(row.bytes).mksVersion).toBe(2);
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
  },
);
