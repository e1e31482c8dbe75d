import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * Test support for the companion's vault client against the REAL vault: `apps/vault-server/src/main.ts`
 * in its own process over real HTTPS (as its own process tests run it), a customer's web session on
 * it, a TCP proxy that can cut answers in transit, and an HTTPS man in the middle that can rewrite
 * answers. Only the network between companion and vault is ours to break; both ends are real.
 */

const VAULT_DIR = new URL('../../vault-server/', import.meta.url).pathname;

export interface RealVault {
  readonly url: string;
  readonly port: number;
  readonly devCaPem: string;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    text: string;
    headers: IncomingMessage['headers'];
  }>;
  stop(): Promise<void>;
}

export async function startRealVault(dataDir: string): Promise<RealVault> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=@indicium/source',
      '--import',
      'tsx',
      'src/main.ts',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--pool-size',
      '1',
    ],
    {
      cwd: VAULT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INDICIUM_LOG_LEVEL: 'info' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`vault did not start:\n${stderr}`)), 240_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'vault listening' && typeof entry.port === 'number') {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`vault exited before listening:\n${stderr}`));
    });
  });
  const devCaPem = await readFile(join(dataDir, 'tls', 'dev-ca.cert.pem'), 'utf8');
  const url = `https://localhost:${port}`;
  return {
    url,
    port,
    devCaPem,
    request: (method, path, options = {}) => send(url, devCaPem, method, path, options),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function send(
  base: string,
  ca: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: Buffer; headers?: Record<string, string | string[] | undefined> },
): Promise<{ status: number; text: string; headers: IncomingMessage['headers'] }> {
  const payload =
    options.raw ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, base),
      {
        method,
        ca,
        agent: false,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(payload.length) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A customer's browser session on the vault's web API (cookie + CSRF token, our own origin). */
export async function signUpCustomer(
  vault: RealVault,
  email: string,
): Promise<{
  customerId: string;
  call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
}> {
  const origin = vault.url;
  const created = await vault.request('POST', '/v1/account/sign-up', {
    body: { protocol: 1, email, password: 'correct horse battery staple', displayName: 'Ada Lovelace' },
    headers: { origin },
  });
  if (created.status !== 201) throw new Error(`sign-up: ${created.status} ${created.text}`);
  const setCookies = created.headers['set-cookie'] ?? [];
  const cookie = setCookies.map((line: string) => line.slice(0, line.indexOf(';'))).join('; ');
  const session = JSON.parse(created.text) as { customer: { customerId: string }; csrfToken: string };
  return {
    customerId: session.customer.customerId,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await vault.request(method, path, {
        ...(body === undefined ? {} : { body }),
        headers: { origin, cookie, 'x-csrf-token': session.csrfToken },
      });
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
      return JSON.parse(answer.text) as T;
    },
  };
}

/** What the man in the middle does with the vault's answer to one request. */
export type Interception = { readonly path?: string } & (
  | { readonly kind: 'cut' }
  | { readonly kind: 'drop' }
  | {
      readonly kind: 'rewrite';
      readonly rewrite: (answer: Record<string, unknown>) => Record<string, unknown>;
    }
);

/**
 * An HTTPS man in the middle between companion and vault, with its own TLS certificate. It relays
 * every request to the real vault and waits for the vault's whole answer — so whatever the vault
 * commits is committed — then delivers it, or, for the next intercepted create-indicium answers,
 * drops the connection instead (a failure in transit) or rewrites the JSON (an attacker who got
 * past TLS). `drop` loses the request itself, before the vault sees it. Everything else is relayed unchanged.
 */
export async function startMitm(
  vault: RealVault,
  tls: { readonly key: string; readonly cert: string },
): Promise<{
  readonly url: string;
  intercept(...next: Interception[]): void;
  readonly intercepted: number;
  close(): Promise<void>;
}> {
  let queue: Interception[] = [];
  let intercepted = 0;
  const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      // 'drop': the request is lost on the way; the vault never sees it.
      const dropAt = queue.findIndex(
        (i) => i.kind === 'drop' && (i.path ?? '/v1/psd/create-indicium') === req.url,
      );
      if (dropAt >= 0) {
        queue.splice(dropAt, 1);
        intercepted += 1;
        req.socket.destroy();
        return;
      }
      const answer = await send(vault.url, vault.devCaPem, req.method ?? 'GET', req.url ?? '/', {
        ...(raw.length === 0 ? {} : { raw }),
        headers:
          req.headers['content-type'] === undefined ? {} : { 'content-type': req.headers['content-type'] },
      });
      // Each interception applies to the next successful answer on its path (default: Create Indicium).
      const at = queue.findIndex(
        (i) => i.kind !== 'drop' && (i.path ?? '/v1/psd/create-indicium') === req.url,
      );
      const next = at >= 0 && answer.status === 200 ? queue.splice(at, 1)[0] : undefined;
      if (next !== undefined) intercepted += 1;
      if (next?.kind === 'cut') {
        req.socket.destroy();
        return;
      }
      const text =
        next?.kind === 'rewrite'
          ? JSON.stringify(next.rewrite(JSON.parse(answer.text) as Record<string, unknown>))
          : answer.text;
      res.writeHead(answer.status, {
        'content-type': String(answer.headers['content-type'] ?? 'text/plain'),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    intercept(...next: Interception[]) {
      queue = next;
    },
    get intercepted() {
      return intercepted;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
