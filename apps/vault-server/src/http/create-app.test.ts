import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSessionAuthenticator } from '../accounts/create-session-authenticator.js';
import { createLogger } from '../ops/create-logger.js';
import { createMetrics } from '../ops/create-metrics.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { createApp } from './create-app.js';
import { defineRoute } from './route.js';

/**
 * The app's error handling and guards in-process (plain HTTP on loopback: TLS is the process
 * tests' concern). Log lines are captured to check what an operator sees against what a client sees.
 */

const lines: Record<string, unknown>[] = [];
const sink = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
let dir: string;
let store: Store;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'indicium-app-'));
  store = await createStore({ kind: 'sqlite', path: join(dir, 'vault.db') });
  const app = createApp({
    routes: [
      defineRoute({
        method: 'get',
        path: '/boom',
        auth: 'public',
        tag: 'test',
        summary: 'throws a library error',
        answer: { status: 204 },
        handler: async () => {
          throw new TypeError('secret internals at /srv/x.ts:12');
        },
      }),
      defineRoute({
        method: 'get',
        path: '/busy',
        auth: 'public',
        tag: 'test',
        summary: 'throws a typed refusal',
        answer: { status: 204 },
        handler: async () => {
          throw new IndiciumError('VAULT_BUSY', { details: { retryAfterSeconds: 3 } });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/items',
        auth: 'public',
        tag: 'test',
        summary: 'validates its query',
        query: z.strictObject({ limit: z.string().regex(/^\d{1,3}$/) }),
        answer: { status: 200, schema: z.object({ limit: z.string() }) },
        handler: async ({ query }) => ({ json: { limit: query.limit } }),
      }),
      defineRoute({
        method: 'get',
        path: '/local',
        auth: 'local',
        tag: 'test',
        summary: 'loopback only',
        answer: { status: 204 },
        handler: async () => ({ status: 204 }),
      }),
    ],
    sessions: createSessionAuthenticator({ store, sessionKey: randomBytes(32) }),
    metrics: createMetrics(),
    log: createLogger('info', sink),
    extraOrigins: [],
    isDraining: () => false,
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createApp', () => {
  it('turns an unexpected error into INTERNAL_ERROR 500 with an error id, logged with its stack, never sent', async () => {
    const answer = await fetch(`${base}/boom`);
    expect(answer.status).toBe(500);
    const text = await answer.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('TypeError');
    const body = JSON.parse(text) as { error: { code: string; errorId: string } };
    expect(body.error.code).toBe('INTERNAL_ERROR');
    expect(body.error.errorId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = lines.find((line) => line.errorId === body.error.errorId);
    expect(logged).toMatchObject({ level: 'error', route: '/boom', component: 'http' });
    expect(JSON.stringify(logged)).toContain('secret internals');
  });

  it('maps a typed refusal to its status, with Retry-After from its details', async () => {
    const answer = await fetch(`${base}/busy`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('VAULT_BUSY');
  });

  it('validates the query and refuses the unknown (404 for another method on a known path)', async () => {
    expect(await (await fetch(`${base}/items?limit=20`)).json()).toEqual({ limit: '20' });
    const bad = await fetch(`${base}/items?limit=many`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('query.limit');
    const extra = await fetch(`${base}/items?limit=2&debug=1`);
    expect(extra.status).toBe(400);
    const post = await fetch(`${base}/items`, { method: 'DELETE' });
    expect(post.status).toBe(404);
  });

  it('serves a local route to a loopback peer', async () => {
    expect((await fetch(`${base}/local`)).status).toBe(204);
  });
});
