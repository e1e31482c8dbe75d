import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeTestPki, type TestPki } from '../install/fake-vault-tls.fixture.js';
import { isVaultRefusal, VaultHttp } from './vault-http.js';

/** A real TLS server whose answers each test scripts: the HTTP layer is what is under test here. */
let dir: string;
let pki: TestPki;
let server: Server;
let url: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'companion-http-'));
  pki = await makeTestPki(dir);
  server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem }, (req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const Answer = z.strictObject({ ok: z.literal(true) });
const wireError = (code: string, field?: string) =>
  JSON.stringify({
    protocol: 1,
    error: { code, message: 'm', actor: 'user', nextStep: 'n', ...(field === undefined ? {} : { field }) },
  });

async function refusal(promise: Promise<unknown>): Promise<IndiciumError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  return error as IndiciumError;
}

describe('VaultHttp (pinned TLS, time-outs, typed errors)', () => {
  it('posts JSON and parses the answer with its schema', async () => {
    let body = '';
    handler = (req, res) => {
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    };
    const http = new VaultHttp({ url, tlsCaPem: pki.tlsCaPem });
    expect(await http.postJson('/x', { a: 1 }, Answer)).toEqual({ ok: true });
    expect(JSON.parse(body)).toEqual({ a: 1 });
  });

  it("rebuilds the vault's refusal from its wire error (code and field), marked as the vault's", async () => {
    handler = (_req, res) =>
      res.writeHead(402).end(wireError('INSUFFICIENT_FUNDS', 'transaction.postageMills'));
    const error = await refusal(new VaultHttp({ url, tlsCaPem: pki.tlsCaPem }).postJson('/x', {}, Answer));
    expect(error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', field: 'transaction.postageMills' });
    expect(isVaultRefusal(error)).toBe(true);
  });

  it('retries VAULT_BUSY, then answers; gives up with VAULT_BUSY after the attempts', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls += 1;
      if (calls < 3) res.writeHead(503).end(wireError('VAULT_BUSY'));
      else res.writeHead(200).end('{"ok":true}');
    };
    const http = new VaultHttp({ url, tlsCaPem: pki.tlsCaPem }, { busyPauseMs: 10 });
    expect(await http.getJson('/x', Answer)).toEqual({ ok: true });
    expect(calls).toBe(3);
    calls = -10;
    const error = await refusal(http.getJson('/x', Answer));
    expect(error.code).toBe('VAULT_BUSY');
    expect(calls).toBe(-6);
  });

  it('an answer outside its schema is INVALID_FIELD naming the field; not JSON is INVALID_FIELD', async () => {
    handler = (_req, res) => res.writeHead(200).end('{"ok":false}');
    const http = new VaultHttp({ url, tlsCaPem: pki.tlsCaPem });
    expect(await refusal(http.getJson('/x', Answer))).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'answer.ok',
    });
    handler = (_req, res) => res.writeHead(200).end('<html>');
    expect(await refusal(http.getJson('/x', Answer))).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'answer',
    });
  });

  it('a server whose certificate does not chain to the pinned CA is CERTIFICATE_INVALID (field tls)', async () => {
    handler = (_req, res) => res.writeHead(200).end('{"ok":true}');
    for (const tlsCaPem of [pki.otherCaPem, null]) {
      const error = await refusal(new VaultHttp({ url, tlsCaPem }).getJson('/x', Answer));
      expect(error).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'tls' });
      expect(isVaultRefusal(error)).toBe(false);
    }
  });

  it('no answer in time is VAULT_UNREACHABLE with sent: true; nobody listening is sent: false', async () => {
    handler = () => undefined;
    const slow = await refusal(
      new VaultHttp({ url, tlsCaPem: pki.tlsCaPem }, { timeoutMs: 300 }).postJson('/x', {}, Answer),
    );
    expect(slow.code).toBe('VAULT_UNREACHABLE');
    expect(slow.details?.sent).toBe(true);
    const closed = await new Promise<TcpServer>((resolve) => {
      const s = createTcpServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = await refusal(
      new VaultHttp({ url: `https://127.0.0.1:${port}`, tlsCaPem: pki.tlsCaPem }).getJson('/x', Answer),
    );
    expect(gone).toMatchObject({ code: 'VAULT_UNREACHABLE' });
    expect(gone.details?.sent).toBe(false);
    expect(
      await new VaultHttp({ url: `https://127.0.0.1:${port}`, tlsCaPem: pki.tlsCaPem }).reachable(),
    ).toBe(false);
  });

  it('an answer cut off mid-body is VAULT_UNREACHABLE (in transit), never a parsed half', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"ok":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await refusal(new VaultHttp({ url, tlsCaPem: pki.tlsCaPem }).postJson('/x', {}, Answer));
    expect(error.code).toBe('VAULT_UNREACHABLE');
    expect(error.details?.sent).toBe(true);
  });
});
