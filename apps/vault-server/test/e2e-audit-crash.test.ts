import { randomInt } from 'node:crypto';
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
 * No audit entry is lost when the vault is killed (DESIGN §3.5; crypto-module README "Audit"):
 * create-indicium load on three meters through the real vault process, SIGKILL in the
 * middle of it. A module chains an entry and answers, and the vault commits it with the unit that
 * carries the work: a kill in between used to leave a hole in that module's chain. Now the module
 * keeps the entry in its audit outbox until the vault acknowledges it, and the restarted vault
 * stores the outboxes before its modules serve anything: the auditor finds every chain whole. On
 * SQLite and on PostgreSQL (issue 8; `support/e2e-store.ts` reads the stored entries of each).
 */

const METERS = 3;
let dataDir: string;
let vault: VaultProcess;
const users: MeterUser[] = [];
let store: E2eStore;

const start = (): Promise<VaultProcess> => startLoadVault(dataDir, store, users);

describe.each([sqliteE2eStore(), postgresE2eStore()])(
  'a vault SIGKILLed under create-indicium load loses no audit entry ($name)',
  (variant) => {
    beforeAll(async () => {
      store = variant;
      users.length = 0;
      dataDir = await mkdtemp(join(tmpdir(), 'indicium-e2e-audit-crash-'));
      await store.open(dataDir);
      vault = await start();
      users.push(...(await fundedMeterUsers(vault, METERS, 'crash')));
    }, 300_000);

    afterAll(async () => {
      await vault?.stop();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    /**
     * One round: load on every meter, SIGKILL once `kills` more pieces were answered, restart.
     * Returns the entries the database lacked at the kill, below each module's head when the
     * restarted vault drained its outbox (before it served anything), and those still missing after.
     */
    async function killUnderLoad(): Promise<{ lost: string[]; missing: string[] }> {
      for (const user of users) await user.getChallenge();
      let answered = 0;
      let killed = false;
      const unexpected: string[] = [];
      const printing = users.map(async (user) => {
        while (!killed) {
          const request = user.request(TRANSACTION);
          let answer: Awaited<ReturnType<MeterUser['send']>>;
          try {
            answer = await user.send(request);
          } catch {
            return; // the process is gone
          }
          if (answer.status !== 200) {
            if (!killed) unexpected.push(`${answer.status} ${answer.text}`);
            return;
          }
          user.accept(request, answer.json<CreateIndiciumAnswer>());
          answered += 1;
        }
      });
      const deadline = Date.now() + 60_000;
      // A different point of the load each round, so the kills do not keep landing in step.
      const target = 10 + randomInt(20);
      while (answered < target && Date.now() < deadline) await sleep(randomInt(1, 6));
      expect(answered).toBeGreaterThanOrEqual(target);
      killed = true;
      await vault.stop('SIGKILL');
      await Promise.all(printing);
      expect(unexpected).toEqual([]);
      const beforeRestart = await store.auditEntryKeys();

      vault = await start();
      const afterRestart = await store.auditEntryKeys();
      const drained = vault.logs.filter((l) => l.msg === 'audit outbox stored and acknowledged');
      expect(drained.length).toBeGreaterThan(0);
      const lost: string[] = [];
      for (const l of drained) {
        for (let sequence = 0; sequence <= Number(l.through); sequence++) {
          const key = `${String(l.module)}/${sequence}`;
          if (!beforeRestart.has(key)) lost.push(key);
        }
      }
      return { lost, missing: lost.filter((key) => !afterRestart.has(key)) };
    }

    it('SIGKILL mid-load, restart: the entries the database never got come from the modules; every chain verifies', {
      timeout: 300_000,
    }, async () => {
      // Where a kill falls is up to the scheduler: kill again until one fell between a module's
      // answer and its unit's commit (entries chained, never committed). With the store's writer
      // thread that window is short, so up to 20 rounds (each a few seconds).
      const lost: string[] = [];
      for (let round = 0; round < 20 && lost.length === 0; round++) {
        const result = await killUnderLoad();
        expect(result.missing).toEqual([]);
        lost.push(...result.lost);
      }
      process.stdout.write(
        `entries the database lacked at a kill, stored at the restart: ${lost.join(' ')}\n`,
      );
      expect(lost.length).toBeGreaterThan(0);

      // Modules are pipelined (psd-modules.ts): each may run up to two checkpoint steps ahead of
      // its row. Wherever a kill fell, every row stayed within Auto-Recover's reach: no module was
      // inhibited (a flag would persist across the later rounds' restarts).
      const table = (await vault.request('GET', '/v1/module-table')).json<{
        serving: boolean;
        modules: { moduleSerial: string; inhibited: boolean }[];
      }>();
      expect(table.serving).toBe(true);
      expect(table.modules.map((m) => [m.moduleSerial, m.inhibited])).toEqual(
        table.modules.map((m) => [m.moduleSerial, false]),
      );

      // The meters go on where they were, and the chains verify to their signed heads: no hole.
      for (const user of users) {
        await user.getChallenge();
        const request = user.request(TRANSACTION);
        expect((await user.send(request)).status).toBe(200);
      }
      const audit = await vault.request('POST', '/v1/auditor/verify');
      expect(audit.status).toBe(200);
      const report = audit.json<AuditReport>();
      expect(report.modules.map((m) => [m.moduleSerial, m.result, m.problems])).toEqual(
        report.modules.map((m) => [m.moduleSerial, 'verified', []]),
      );
      expect(report.modules).toHaveLength(2);
      expect(report.meters).toEqual([]);
      expect(report.valid).toBe(true);
    });
  },
);
