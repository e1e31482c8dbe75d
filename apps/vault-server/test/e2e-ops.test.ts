import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CreateIndiciumAnswer, OFFICER_PATHS } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/auditor/audit-report.js';
import { type HttpAnswer, startVaultProcess, type VaultProcess } from '../src/http/testing/vault-process.js';
import { runVaultctl } from '../src/vaultctl/vaultctl-program.js';
import {
  type MeterUser,
  registerMeter,
  signUp,
  TRANSACTION,
  type WebCustomer,
} from './support/e2e-protocol-client.js';
import { type E2eStore, postgresE2eStore, sqliteE2eStore } from './support/e2e-store.js';

/**
 * Operations end to end (issue 5): the real vault process over real HTTPS with two modules, a
 * customer printing real indicia, then the module table edited behind the vault between restarts
 * (DESIGN §3.6), the auditor over every module and meter (§3.5), officer recovery with vaultctl,
 * and a grep of every log line the vault wrote for the secrets that passed through it. The same
 * tests run twice (issue 8): on the default SQLite store and on PostgreSQL (a throwaway cluster,
 * `--database-url`), the module-table edits done the honest way for each (`support/e2e-store.ts`);
 * on PostgreSQL the database also goes away under the running vault and comes back.
 */

let dataDir: string;
let vault: VaultProcess;
let alice: WebCustomer;
let user: MeterUser;
let store: E2eStore;
const logs: string[] = [];
const macs: string[] = [];

const errorOf = (answer: HttpAnswer) =>
  answer.json<{ error: { code: string; details?: Record<string, unknown> } }>().error;

async function start(): Promise<VaultProcess> {
  const started = await startVaultProcess(dataDir, [
    ...store.vaultArgs(),
    '--pool-size',
    '2',
    '--max-failing-modules',
    '2',
    '--meter-stock',
    '1',
    '--audit-interval',
    '3600',
  ]);
  if (user !== undefined) user.vault = started;
  return started;
}

/** A clean stop (SIGTERM, exit 0), `edit` on the data while the vault is down, then a new process. */
async function restart(edit: () => Promise<void> = async () => undefined): Promise<void> {
  expect(await vault.stop()).toBe(0);
  logs.push(JSON.stringify(vault.logs), vault.stderr());
  await edit();
  vault = await start();
}

const row = (serial: string) => store.readModule(serial);
const setRow = (serial: string, checkpoint: Buffer | null) => store.writeModuleCheckpoint(serial, checkpoint);

/** Prints one indicium; returns the HTTP answer (200 advances the user's registers). */
async function print(): Promise<HttpAnswer> {
  const request = user.request(TRANSACTION);
  macs.push(request.hmac);
  const answer = await user.send(request);
  if (answer.status === 200) {
    const body = answer.json<CreateIndiciumAnswer>();
    macs.push(body.mac);
    user.accept(request, body);
  }
  return answer;
}

async function vaultctl(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const chunks = { out: '', err: '' };
  const sink = (key: 'out' | 'err') => {
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => {
      chunks[key] += c.toString('utf8');
    });
    return stream;
  };
  const input = new PassThrough();
  input.end('');
  const code = await runVaultctl(
    ['--vault', vault.url, '--data-dir', dataDir, '--credentials', join(dataDir, 'officers.json'), ...args],
    { stdin: input, stdout: sink('out'), stderr: sink('err'), env: {} },
  );
  return { code, ...chunks };
}

/**
 * Takes a module out of PSD service or gives it back (the officer endpoint, loopback only). The
 * test's meter keeps to the module that served it last (meter affinity), so a test that needs
 * one particular module to serve it takes the other one out.
 */
async function psdService(serial: string, inService: boolean): Promise<void> {
  const path = OFFICER_PATHS.psdService.replace('{serial}', serial);
  const answer = await vault.request('POST', path, { body: { protocol: 1, psdService: inService } });
  expect(answer.status).toBe(200);
}

async function auditNow(): Promise<AuditReport> {
  const answer = await vault.request('POST', '/v1/auditor/verify');
  expect(answer.status).toBe(200);
  return answer.json<AuditReport>();
}

describe.each([sqliteE2eStore(), postgresE2eStore()])('operations over real HTTPS on $name', (variant) => {
  beforeAll(async () => {
    store = variant;
    logs.length = 0;
    macs.length = 0;
    dataDir = await mkdtemp(join(tmpdir(), 'indicium-e2e-ops-'));
    await store.open(dataDir);
    vault = await start();
    alice = await signUp(vault, 'ops-alice@example.test');
    ({ user } = await registerMeter(vault, alice));
  }, 300_000);

  afterAll(async () => {
    await vault?.stop();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('/readyz covers the store, the pool and the module table', async () => {
    const ready = await vault.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { store: true, pool: true, 'module-table': true },
    });
  });

  it('the auditor verifies both modules and the meter after real indicia; vaultctl runs the same check', async () => {
    const bought = await alice.call('POST', `/v1/meters/${user.meterId}/purchases`, {
      protocol: 1,
      amountMills: 20_000,
      idempotencyKey: 'ops-purchase-1',
    });
    expect(bought.status).toBe(200);
    await user.getChallenge();
    for (let i = 0; i < 4; i++) expect((await print()).status).toBe(200);
    const report = await auditNow();
    expect(report.valid).toBe(true);
    expect(report.modules.map((m) => m.result)).toEqual(['verified', 'verified']);
    expect(report.metersChecked).toBeGreaterThanOrEqual(1);
    // The schedule's first run (1 s after start) may finish between these two requests, so the
    // stored report is this run's or a later one, and valid either way.
    const last = (await vault.request('GET', '/v1/auditor/report')).json<AuditReport>();
    expect(last.finishedAtMs).toBeGreaterThanOrEqual(report.finishedAtMs);
    expect(last.valid).toBe(true);

    const cli = await vaultctl(['audit', 'verify-vault']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out)).toMatchObject({ valid: true });
    const one = await vaultctl(['--module', 'M0002', '--as', 'auditor', 'audit', 'verify']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ module: 'M0002', valid: true, problems: [] });

    const metrics = (await vault.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/indicium_audit_last_success_timestamp_seconds [1-9]/);
    expect(metrics).toContain('indicium_audit_verification_failures_total 0');
    expect(metrics).toContain('indicium_meter_ar_regressions_total 0');
  });

  // Only a database server can go away under a running vault: SQLite is a file the vault itself
  // holds open (see `E2eStore.outage`), so on SQLite this case does not exist.
  if (variant.outage !== null) {
    const outage = variant.outage;
    it('the database goes away: /readyz says not ready naming the store, value-bearing work is refused with a typed error; both come back with it', async () => {
      await outage.begin();
      let down = true;
      try {
        const ready = await vault.request('GET', '/readyz');
        expect(ready.status).toBe(503);
        expect(errorOf(ready)).toMatchObject({ code: 'VAULT_UNAVAILABLE', details: { failing: ['store'] } });
        const refused = await print();
        expect(refused.status).toBe(503);
        expect(errorOf(refused).code).toBe('VAULT_UNAVAILABLE');
        const signUpRefused = await vault.request('POST', '/v1/account/sign-up', {
          body: {
            protocol: 1,
            email: 'during-outage@example.test',
            password: 'correct horse battery staple',
            displayName: 'Outage',
          },
        });
        expect(signUpRefused.status).toBe(503);
        expect(errorOf(signUpRefused).code).toBe('VAULT_UNAVAILABLE');
        await outage.end();
        down = false;
      } finally {
        if (down) await outage.end();
      }
      // The vault reconnects by itself: no restart, no operator.
      let again = await vault.request('GET', '/readyz');
      for (let i = 0; i < 50 && again.status !== 200; i++) {
        await sleep(200);
        again = await vault.request('GET', '/readyz');
      }
      expect(again.status).toBe(200);
      expect(again.json()).toEqual({
        status: 'ready',
        checks: { store: true, pool: true, 'module-table': true },
      });
      await user.getChallenge();
      for (let i = 0; i < 2; i++) expect((await print()).status).toBe(200);
      const report = await auditNow();
      expect(report.valid).toBe(true);
      expect(report.modules.map((m) => m.result)).toEqual(['verified', 'verified']);
    });
  }

  it('an older genuine row of a module: Auto-Recover rolls the module back at start (audited), and it serves on', async () => {
    // Each print moves one module's row; keep M0001's rows as they change.
    const seen: Buffer[] = [];
    const note = async () => {
      const current = (await row('M0001')).checkpoint;
      if (current !== null && !seen.some((s) => s.equals(current))) seen.push(current);
    };
    await note();
    await psdService('M0002', false);
    for (let i = 0; i < 8 && seen.length < 3; i++) {
      expect((await print()).status).toBe(200);
      await note();
    }
    await psdService('M0002', true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const older = seen.at(-2) as Buffer;
    await restart(() => setRow('M0001', older));
    expect(
      vault.logs.some((l) => l.component === 'module-table' && l.module === 'M0001' && l.discarded === 1),
    ).toBe(true);
    expect(await row('M0001')).toMatchObject({ inhibited: 0 });
    for (let i = 0; i < 3; i++) expect((await print()).status).toBe(200);
    const entries = await vault.request('GET', '/v1/officer/modules/M0001/audit');
    const recovered = entries
      .json<{ entries: { command: string; data: Record<string, string> }[] }>()
      .entries.filter((e) => e.command === 'auto-recover-checkpoint' && e.data.outcome === 'rolled-back');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.data.discardedCount).toBe('1');
  });

  it('a module-table row edited behind the vault: that module is inhibited, the other serves', async () => {
    await restart(() => setRow('M0002', Buffer.from('AAAA'.repeat(30))));
    expect(
      vault.logs.some(
        (l) => l.level === 'error' && l.module === 'M0002' && String(l.msg).startsWith('module inhibited'),
      ),
    ).toBe(true);
    expect((await row('M0002')).inhibited).toBe(1);
    expect((await vault.request('GET', '/readyz')).status).toBe(200);
    const table = (await vault.request('GET', '/v1/module-table')).json<{
      serving: boolean;
      modules: { moduleSerial: string; inhibited: boolean }[];
    }>();
    expect(table.serving).toBe(true);
    expect(table.modules.map((m) => [m.moduleSerial, m.inhibited])).toEqual([
      ['M0001', false],
      ['M0002', true],
    ]);
    const before = (await row('M0001')).checkpoint;
    for (let i = 0; i < 3; i++) expect((await print()).status).toBe(200);
    expect((await row('M0001')).checkpoint?.equals(before as Buffer)).toBe(false);
  });

  it('past the threshold the vault refuses value-bearing work; officer recovery brings it back', async () => {
    const genuine = (await row('M0001')).checkpoint as Buffer;
    await restart(() => setRow('M0001', Buffer.from('BBBB'.repeat(30))));
    expect(
      vault.logs.some(
        (l) => l.level === 'error' && String(l.msg).startsWith('vault stopped value-bearing work'),
      ),
    ).toBe(true);
    const ready = await vault.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(errorOf(ready)).toMatchObject({
      code: 'VAULT_UNAVAILABLE',
      // Both modules are out of PSD service, so the pool check fails with the module table.
      details: { failing: ['pool', 'module-table'] },
    });
    const refused = await print();
    expect(refused.status).toBe(503);
    expect(errorOf(refused).code).toBe('VAULT_UNAVAILABLE');
    const bundle = await vault.request('GET', '/v1/registration/key-bundle');
    expect(errorOf(bundle)).toMatchObject({ code: 'VAULT_UNAVAILABLE', details: { reason: 'module-table' } });
    const metrics = (await vault.request('GET', '/metrics')).text;
    expect(metrics).toContain('indicium_vault_value_service_stopped 1');

    // The operators restore M0001's row from a backup; the Security Officer recovers the module to it.
    await setRow('M0001', genuine);
    const early = await vaultctl(['--module', 'M0002', '--as', 'auditor', 'recover-checkpoint']);
    expect(early.code).toBe(1);
    expect(early.err).toContain('ROLE_DENIED');
    const recovered = await vaultctl(['--module', 'M0001', '--as', 'so', 'recover-checkpoint']);
    expect(recovered.err).toBe('');
    expect(recovered.code).toBe(0);
    expect(JSON.parse(recovered.out)).toMatchObject({ moduleSerial: 'M0001', result: 'in-step' });
    expect((await vault.request('GET', '/readyz')).status).toBe(200);
    expect((await print()).status).toBe(200);

    // No backup of M0002's row exists: the operators empty it and the officer makes the module
    // trust no record (its next PSD command starts a new checkpoint series).
    await setRow('M0002', null);
    const fresh = await vaultctl(['--module', 'M0002', '--as', 'so', 'recover-checkpoint', '--none']);
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.out)).toMatchObject({ moduleSerial: 'M0002', result: 'in-step' });
    const table = JSON.parse((await vaultctl(['module-table'])).out) as {
      serving: boolean;
      modules: { moduleSerial: string; inhibited: boolean }[];
    };
    expect(table.serving).toBe(true);
    expect(table.modules.map((m) => m.inhibited)).toEqual([false, false]);
    await psdService('M0001', false);
    for (let i = 0; i < 3; i++) expect((await print()).status).toBe(200);
    await psdService('M0001', true);
    expect((await row('M0002')).checkpoint).not.toBeNull();
  });

  it('the audit still verifies across both modules, rollback and recoveries included', async () => {
    const report = await auditNow();
    expect(report.meters).toEqual([]);
    expect(report.modules.map((m) => [m.moduleSerial, m.result])).toEqual([
      ['M0001', 'verified'],
      ['M0002', 'verified'],
    ]);
    expect(report.valid).toBe(true);
  });

  it('no log line holds a passphrase, password, HMK, MAC, session or CSRF token, or a key', async () => {
    await restart();
    const text = logs.join('\n');
    expect(text).toContain('vault listening');
    const secrets: string[] = [
      'correct horse battery staple',
      'a long companion passphrase',
      Buffer.from(user.hmk).toString('base64'),
      Buffer.from(user.hmk).toString('hex'),
      ...macs,
    ];
    const officers = JSON.parse(await readFile(join(dataDir, 'officers.json'), 'utf8')) as {
      modules: { officers: { passphrase: string }[] }[];
    };
    for (const m of officers.modules) for (const o of m.officers) secrets.push(o.passphrase);
    const serverSecrets = JSON.parse(
      await readFile(join(dataDir, 'secrets', 'server-secrets.json'), 'utf8'),
    ) as Record<string, unknown>;
    for (const value of Object.values(serverSecrets))
      if (typeof value === 'string' && value.length >= 16) secrets.push(value);
    for (const serial of await readdir(join(dataDir, 'modules'))) {
      const key = await readFile(join(dataDir, 'modules', serial, 'storage.key'));
      secrets.push(key.toString('hex'), key.toString('base64'));
    }
    for (const pem of [
      'provider/provider.key.pem',
      'ca/postal/postal-ca.key.pem',
      'tls/dev-ca.key.pem',
      'tls/server.key.pem',
    ]) {
      const body = await readFile(join(dataDir, pem), 'utf8');
      secrets.push(...body.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----')));
    }
    expect(secrets.length).toBeGreaterThan(20);
    const leaked = secrets.filter((s) => s.length >= 12 && text.includes(s));
    expect(leaked).toEqual([]);
  });
});
