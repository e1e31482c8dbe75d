import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CreateIndiciumAnswer } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/auditor/audit-report.js';
import type { VaultProcess } from '../src/http/testing/vault-process.js';
import {
  fundedMeterUsers,
  type MeterUser,
  startLoadVault,
  TRANSACTION,
} from './support/e2e-protocol-client.js';
import { type E2eStore, postgresE2eStore, sqliteE2eStore } from './support/e2e-store.js';

/**
 * Graceful shutdown loses no commit (DESIGN §6): create-indicium load on three meters and sign-ups
 * through the real routes of the real vault process, SIGTERM in the middle of it; afterwards every
 * request that was answered is in the database, and after a restart the auditor finds every
 * module's chain complete up to its signed head and no meter's AR going down. The same test runs
 * on the default SQLite store and on PostgreSQL (issue 8; `support/e2e-store.ts` reads back what
 * was committed on each).
 */

const METERS = 3;
let dataDir: string;
let vault: VaultProcess;
const users: MeterUser[] = [];
let store: E2eStore;

const start = (): Promise<VaultProcess> => startLoadVault(dataDir, store, users);

describe.each([sqliteE2eStore(), postgresE2eStore()])('graceful shutdown under load on $name', (variant) => {
  beforeAll(async () => {
    store = variant;
    users.length = 0;
    dataDir = await mkdtemp(join(tmpdir(), 'indicium-e2e-shutdown-'));
    await store.open(dataDir);
    vault = await start();
    users.push(...(await fundedMeterUsers(vault, METERS, 'load')));
  }, 300_000);

  afterAll(async () => {
    await vault?.stop();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('SIGTERM mid-load: exit 0, and every answered indicium and sign-up is in the database after restart', async () => {
    const answered: { meterId: string; indicium: string; ascending: number }[] = [];
    const signedUp: string[] = [];
    const unexpected: string[] = [];
    let stopping = false;

    // One chain of Create Indicium per meter (each needs the previous answer's module challenge).
    const printing = users.map(async (user) => {
      while (true) {
        const request = user.request(TRANSACTION);
        let answer: Awaited<ReturnType<MeterUser['send']>>;
        try {
          answer = await user.send(request);
        } catch {
          return; // the listener is closed: the vault is going down
        }
        if (answer.status === 200) {
          const body = answer.json<CreateIndiciumAnswer>();
          user.accept(request, body);
          answered.push({
            meterId: user.meterId,
            indicium: body.indicium,
            ascending: body.ascendingRegisterMills,
          });
        } else if (answer.status === 503 && stopping) {
          return;
        } else {
          unexpected.push(`${answer.status} ${answer.text}`);
          return;
        }
      }
    });
    const signingUp = (async () => {
      for (let i = 0; ; i++) {
        const email = `during-${i}@example.test`;
        try {
          const answer = await vault.request('POST', '/v1/account/sign-up', {
            body: { protocol: 1, email, password: 'correct horse battery staple', displayName: email },
          });
          if (answer.status === 201) signedUp.push(email);
          else if (!(answer.status === 503 && stopping)) unexpected.push(`${answer.status} ${answer.text}`);
        } catch {
          return;
        }
      }
    })();

    const deadline = Date.now() + 20_000;
    while (answered.length < 12 && Date.now() < deadline) await sleep(20);
    expect(answered.length).toBeGreaterThanOrEqual(12);
    stopping = true;
    const answeredBeforeSignal = answered.length;
    expect(await vault.stop('SIGTERM')).toBe(0);
    await Promise.all([...printing, signingUp]);
    expect(unexpected).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(answeredBeforeSignal);
    expect(vault.logs.some((l) => l.component === 'shutdown' && l.level === 'error')).toBe(false);

    const stored = new Set((await store.issuedIndicia()).map((b) => b.toString('base64')));
    const missing = answered.filter((a) => !stored.has(a.indicium));
    expect(missing).toEqual([]);
    const emails = new Set(await store.accountEmails());
    expect(signedUp.filter((e) => !emails.has(e))).toEqual([]);

    // A new process: the registers each meter was last answered with are where it goes on from.
    vault = await start();
    for (const user of users) {
      const last = answered.filter((a) => a.meterId === user.meterId).at(-1);
      await user.getChallenge();
      expect(user.ascending).toBe(last?.ascending);
      const request = user.request(TRANSACTION);
      expect((await user.send(request)).status).toBe(200);
    }
    const audit = await vault.request('POST', '/v1/auditor/verify');
    const report = audit.json<AuditReport>();
    expect(report.modules.map((m) => m.problems)).toEqual([[], []]);
    expect(report.meters).toEqual([]);
    expect(report.valid).toBe(true);
  });
});
