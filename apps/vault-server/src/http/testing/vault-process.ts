import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/**
 * Test support: the real vault (`src/main.ts`) in its own process over real HTTPS, the way
 * `npm start` runs it. The port is read from the "vault listening" log line (the vault binds
 * port 0), so parallel suites never collide.
 */

const PACKAGE_DIR = new URL('../../../', import.meta.url).pathname;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  readonly tlsProtocol: string | null;
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Bytes sent as they are (overrides `body`). */
  readonly raw?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Trust this CA instead of the vault's development CA (null: trust nothing extra). */
  readonly ca?: string | null;
}

export interface VaultProcess {
  readonly port: number;
  readonly url: string;
  readonly devCaPem: string;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  readonly stderr: () => string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly child: ChildProcess;
}

export async function startVaultProcess(
  dataDir: string,
  extraArgs: readonly string[] = [],
): Promise<VaultProcess> {
  const child = spawn(
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
      ...extraArgs,
    ],
    {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INDICIUM_LOG_LEVEL: 'info' },
    },
  );
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`vault did not start in time:\n${stderr}`)), 180_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'vault listening' && typeof entry.port === 'number') {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // Not a log line; ignore.
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`vault exited (${code}) before listening:\n${stderr}`));
    });
  });
  const devCaPem = await readFile(join(dataDir, 'tls', 'dev-ca.cert.pem'), 'utf8');
  const url = `https://localhost:${port}`;

  function request(method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    const payload =
      options.raw ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
    const headers: Record<string, string> = {
      ...(options.body !== undefined && options.raw === undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }),
      ...options.headers,
    };
    const ca = options.ca === undefined ? devCaPem : options.ca;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: 'localhost', port, method, path, headers, ...(ca === null ? {} : { ca }), agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          const tlsProtocol = (res.socket as TLSSocket).getProtocol?.() ?? null;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              tlsProtocol,
              json: <T>() => JSON.parse(text) as T,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  return {
    port,
    url,
    devCaPem,
    logs,
    stderr: () => stderr,
    request,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    child,
  };
}

/** The value of one cookie from Set-Cookie headers, with its attributes. */
export function setCookie(
  answer: HttpAnswer,
  name: string,
): { value: string; attributes: string } | undefined {
  const header = answer.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const line of all) {
    if (line.startsWith(`${name}=`)) {
      const semicolon = line.indexOf(';');
      return { value: line.slice(name.length + 1, semicolon < 0 ? undefined : semicolon), attributes: line };
    }
  }
  return undefined;
}
