import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';
import { serveWebApp } from './serve-web-app.js';

/** The web UI's static files and SPA fallback (DESIGN §8), in-process over plain HTTP on loopback. */

const INDEX = '<!doctype html><title>app</title><script type="module" src="/assets/app-1.js"></script>';
let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'indicium-web-'));
  const dist = join(dir, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', 'app-1.js'), 'export {};');
  await writeFile(join(dir, 'secret.txt'), 'not for the web');
  const app = express();
  app.use(securityHeaders());
  app.use(serveWebApp(dist));
  app.use((_req, res) => void res.status(404).json({ error: 'NOT_FOUND' }));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serveWebApp', () => {
  it('serves index.html for client routes, uncached, under a CSP with no inline script', async () => {
    for (const path of ['/', '/print', '/history', '/setup/anything']) {
      const answer = await fetch(`${base}${path}`, { headers: html });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe(INDEX);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
  });

  it('serves hashed assets as immutable', async () => {
    const answer = await fetch(`${base}/assets/app-1.js`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('javascript');
    expect(answer.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves the API, missing assets, non-HTML requests and other methods to the JSON 404', async () => {
    const misses: [string, RequestInit][] = [
      ['/v1/account', { headers: html }],
      ['/v1/unknown', { headers: html }],
      ['/healthz', { headers: html }],
      ['/assets/missing.js', { headers: html }],
      ['/print', { headers: { accept: 'application/json' } }],
      ['/print', { headers: { accept: '*/*' } }],
      ['/print', { method: 'POST', headers: html }],
    ];
    for (const [path, init] of misses) {
      const answer = await fetch(`${base}${path}`, init);
      expect(answer.status, `${init.method ?? 'GET'} ${path}`).toBe(404);
      expect(await answer.json()).toEqual({ error: 'NOT_FOUND' });
    }
  });

  it('never serves a file outside the build', async () => {
    for (const path of [
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
    ]) {
      const answer = await fetch(`${base}${path}`);
      expect(await answer.text()).not.toContain('not for the web');
    }
  });

  it('without a build, leaves every path to the JSON 404, and serves the build once it lands', async () => {
    const later = join(dir, 'later');
    const app = express();
    app.use(serveWebApp(later));
    app.use((_req, res) => void res.status(404).json({ error: 'NOT_FOUND' }));
    const other = createServer(app);
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/print`;
    try {
      expect((await fetch(url, { headers: html })).status).toBe(404);
      await mkdir(later);
      await writeFile(join(later, 'index.html'), INDEX);
      const answer = await fetch(url, { headers: html });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe(INDEX);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
