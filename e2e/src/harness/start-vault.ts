import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { VAULT_DIR, VAULT_MAIN } from './repo-paths.js';
import { nodeTs } from './run-program.js';

export interface RunningVault {
  /** https://localhost:<port> */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The development CA of the vault's HTTPS certificate. */
  readonly tlsCaFile: string;
  readonly tlsCaPem: string;
  /** The postal CA the companion pins (GET /v1/ca). */
  readonly postalCaFile: string;
  stop(): Promise<void>;
}

/**
 * The real vault (`apps/vault-server/src/main.ts`) in its own process, on embedded defaults with a
 * temporary data directory: first run performs the key ceremony. It binds port 0; the port comes
 * from the "vault listening" log line. It serves the web UI from `apps/web/dist`.
 */
export async function startVault(dataDir: string): Promise<RunningVault> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeTs(), VAULT_MAIN, '--port', '0', '--data-dir', dataDir, '--pool-size', '1'],
    {
      cwd: VAULT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INDICIUM_LOG_LEVEL: 'info' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the vault did not start in time:\n${stderr}`)), 240_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
          if (entry.msg === 'vault listening' && typeof entry.port === 'number') {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // Not a log line.
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the vault exited before listening:\n${stderr}`));
    });
  });
  const url = `https://localhost:${port}`;
  const tlsCaFile = join(dataDir, 'tls', 'dev-ca.cert.pem');
  const tlsCaPem = await readFile(tlsCaFile, 'utf8');
  const postalCaFile = join(dataDir, 'postal-ca.pem');
  const answer = await vaultFetch(url, tlsCaPem, '/v1/ca');
  await writeFile(postalCaFile, answer.text);
  return {
    url,
    port,
    dataDir,
    tlsCaFile,
    tlsCaPem,
    postalCaFile,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One HTTPS request to the vault, trusting its development CA (never the system's trust store off). */
export async function vaultFetch(
  url: string,
  caPem: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; text: string; json<T>(): T }> {
  const target = new URL(path, url);
  const payload = init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
        ca: caPem,
        agent: false,
        headers:
          payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(payload.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A vault that is already running (the demo's `--vault URL`): trusts its HTTPS certificate through
 * `tlsCaFile` and saves its postal CA (GET /v1/ca) for the companion to pin. Stopping it is not ours.
 */
export async function attachVault(url: string, tlsCaFile: string, workDir: string): Promise<RunningVault> {
  const origin = new URL(url);
  if (origin.protocol !== 'https:' || origin.pathname !== '/' || origin.search !== '') {
    throw new Error(`--vault must be an https origin such as https://localhost:8443, not ${url}`);
  }
  const tlsCaPem = await readFile(tlsCaFile, 'utf8');
  const answer = await vaultFetch(origin.origin, tlsCaPem, '/v1/ca');
  if (answer.status !== 200) throw new Error(`${origin.origin}/v1/ca answered ${answer.status}`);
  const postalCaFile = join(workDir, 'postal-ca.pem');
  await writeFile(postalCaFile, answer.text);
  return {
    url: origin.origin,
    port: Number(origin.port || 443),
    dataDir: workDir,
    tlsCaFile,
    tlsCaPem,
    postalCaFile,
    async stop() {},
  };
}
