import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionAuthenticator } from '../accounts/create-session-authenticator.js';
import { createApp } from '../http/create-app.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { createLogger } from './create-logger.js';
import { createMetrics } from './create-metrics.js';
import { opsRoutes } from './ops-routes.js';

/** Readiness refusals in-process, where a dependency can be made to fail on purpose. */

let dir: string;
let store: Store;
let server: Server;
let base: string;
const state = { draining: false, poolUp: true, storeHangs: false };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'indicium-ops-'));
  store = await createStore({ kind: 'sqlite', path: join(dir, 'vault.db') });
  const metrics = createMetrics();
  const app = createApp({
    routes: opsRoutes({
      metrics,
      isDraining: () => state.draining,
      checks: [
        {
          name: 'store',
          check: async () => {
            if (state.storeHangs) await new Promise(() => undefined);
            return Array.isArray(await store.modules.list());
          },
        },
        {
          name: 'pool',
          check: async () => {
            if (!state.poolUp) throw new Error('no module in service');
            return true;
          },
        },
      ],
    }),
    sessions: createSessionAuthenticator({ store, sessionKey: randomBytes(32) }),
    metrics,
    log: createLogger('silent'),
    extraOrigins: [],
    isDraining: () => state.draining,
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function ready(): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${base}/readyz`);
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

describe('/readyz', () => {
  it('is ready when every check passes', async () => {
    expect(await ready()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: true, pool: true } },
    });
  });

  it('names a failing check (a throw counts as failing) with 503 VAULT_UNAVAILABLE', async () => {
    state.poolUp = false;
    try {
      const answer = await ready();
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        error: { code: 'VAULT_UNAVAILABLE', details: { failing: ['pool'] } },
      });
    } finally {
      state.poolUp = true;
    }
  });

  it('counts a check that does not answer within its time-out as failing', async () => {
    state.storeHangs = true;
    try {
      const answer = await ready();
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ error: { details: { failing: ['store'] } } });
    } finally {
      state.storeHangs = false;
    }
  });

  it('says 503 while the vault shuts down, and /healthz still says the process is up', async () => {
    state.draining = true;
    try {
      const answer = await ready();
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        error: { code: 'VAULT_UNAVAILABLE', details: { reason: 'shutting-down' } },
      });
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(health.headers.get('connection')).toBe('close');
    } finally {
      state.draining = false;
    }
  });
});
