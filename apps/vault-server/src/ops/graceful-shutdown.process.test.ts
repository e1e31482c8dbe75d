import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresE2eStore, sqliteE2eStore } from '../../test/support/e2e-store.js';
import { type HttpAnswer, startVaultProcess } from '../http/testing/vault-process.js';

/**
 * SIGTERM against the real vault process: drain, keep every commit, exit 0 (DESIGN §6). On both
 * stores (issue 8): what the store's close must flush differs between SQLite and PostgreSQL.
 */

const PASSWORD = 'correct horse battery staple';

describe.each([sqliteE2eStore(), postgresE2eStore()])('graceful shutdown on $name', (store) => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'indicium-shutdown-'));
    await store.open(dataDir);
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('drains requests in flight, loses no commit, closes pool then store, and exits 0', async () => {
    const vault = await startVaultProcess(dataDir, store.vaultArgs());
    const origin = `https://localhost:${vault.port}`;
    const emails = Array.from({ length: 6 }, (_, i) => `drain${i}@example.com`);
    const signUp = (email: string) =>
      vault.request('POST', '/v1/account/sign-up', {
        body: { protocol: 1, email, password: PASSWORD, displayName: 'Drain Test' },
        headers: { origin },
      });
    // Each sign-up spends a few hundred ms in scrypt, so all are in flight when the signal lands.
    const pending = emails.map((email) => signUp(email).catch((error: unknown) => error as Error));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const code = await vault.stop('SIGTERM');
    const results = await Promise.all(pending);

    expect(code).toBe(0);
    const answered = emails.filter((_, i) => (results[i] as HttpAnswer).status === 201);
    expect(answered.length).toBeGreaterThan(0);
    for (const result of results) {
      // Every request the vault accepted was answered in full: no 5xx, no half answer.
      if (!(result instanceof Error)) expect(result.status).toBe(201);
    }
    const messages = vault.logs.map((entry) => entry.msg);
    expect(messages).toContain('shutting down: no new connections, draining requests');
    const steps = vault.logs.filter((entry) => entry.msg === 'shutdown step done').map((entry) => entry.step);
    // Schedulers first (nothing new starts), then the pool drains, then the store commits and closes.
    expect(steps).toEqual(['sessions', 'auditor', 'metergen', 'pool', 'store']);
    expect(vault.logs.at(-1)).toMatchObject({ msg: 'vault stopped', code: 0 });
    await expect(vault.request('GET', '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // A restart on the same data directory still has every account that was answered.
    const again = await startVaultProcess(dataDir, store.vaultArgs());
    try {
      for (const email of answered) {
        const retry = await again.request('POST', '/v1/account/sign-up', {
          body: { protocol: 1, email, password: PASSWORD, displayName: 'Drain Test' },
          headers: { origin: `https://localhost:${again.port}` },
        });
        expect(retry.status).toBe(409);
      }
      const login = await again.request('POST', '/v1/account/login', {
        body: { protocol: 1, email: answered[0], password: PASSWORD },
        headers: { origin: `https://localhost:${again.port}` },
      });
      expect(login.status).toBe(200);
    } finally {
      expect(await again.stop('SIGINT')).toBe(0);
    }
    // Two starts of the real process (the first with the key ceremony) on a shared 2-core machine.
  }, 180_000);
});
