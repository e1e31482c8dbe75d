import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for tests (DESIGN §10): its own data directory under the system
 * temp folder, listening on 127.0.0.1 only (and a Unix socket in that folder), trust
 * authentication for loopback only, stopped and deleted by `stop()`. No test depends on a server
 * someone left running, and `npm test` on a developer machine starts the cluster itself.
 *
 * PostgreSQL refuses to run as root, so as root (CI, this machine) every server command runs as
 * the `postgres` system user that Debian's `postgresql` package creates, through `runuser`
 * (which also drops root's supplementary groups), in a folder handed to that user.
 */
export interface PostgresTestServer {
  /** `postgres://indicium@127.0.0.1:<port>/postgres`: the superuser on the maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Drops a database made by `createDatabase` (its connections are ended first). */
  dropDatabase(url: string): Promise<void>;
  /**
   * Stops the server (fast shutdown: every connection is ended) but keeps its data: the database
   * is unreachable, as when its machine goes away, until `resume`.
   */
  pause(): Promise<void>;
  /** Starts the paused server again on the same port with the same data. */
  resume(): Promise<void>;
  /** Stops the server (fast shutdown) and deletes its folder. Idempotent. */
  stop(): Promise<void>;
}

const SUPERUSER = 'indicium';
const SERVER_USER = 'postgres';

/** The newest installed server's bin folder (`/usr/lib/postgresql/<n>/bin`), or INDICIUM_PG_BIN. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.INDICIUM_PG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const base = '/usr/lib/postgresql';
  let versions: number[] = [];
  try {
    versions = readdirSync(base)
      .map(Number)
      .filter((v) => Number.isInteger(v))
      .sort((a, b) => b - a);
  } catch {
    versions = [];
  }
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL is not installed: run `bash scripts/ensure-system-packages.sh` as root (it installs the `postgresql` package), or set INDICIUM_PG_BIN to a folder holding initdb and pg_ctl',
    );
  }
  return join(base, String(newest), 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function serverUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', SERVER_USER]).then((r) => Number(r.stdout.trim())),
      run('id', ['-g', SERVER_USER]).then((r) => Number(r.stdout.trim())),
    ]);
    return { uid, gid };
  } catch {
    throw new Error(
      `running as root, PostgreSQL needs the '${SERVER_USER}' system user (made by Debian's postgresql package)`,
    );
  }
}

/**
 * Starts a new cluster and waits until it accepts connections (about 1–3 s: initdb, then start).
 *
 * @example
 * const server = await startPostgresTestServer();
 * afterAll(() => server.stop());
 * const url = await server.createDatabase('store'); // postgres://indicium@127.0.0.1:<port>/store_…
 */
export async function startPostgresTestServer(): Promise<PostgresTestServer> {
  const bin = findPostgresBin();
  const user = await serverUser();
  const root = await mkdtemp(join(tmpdir(), 'indicium-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  const logFile = join(root, 'server.log');
  await mkdir(socketDir, { mode: 0o700 });
  if (user !== null) {
    await chown(root, user.uid, user.gid);
    await chown(socketDir, user.uid, user.gid);
  }
  // As root every server command runs as the postgres user; otherwise as ourselves.
  const asServer = (command: string, args: readonly string[]) =>
    user === null
      ? run(join(bin, command), [...args])
      : run('runuser', ['-u', SERVER_USER, '--', join(bin, command), ...args]);

  let started = false;
  const cleanUp = async (): Promise<void> => {
    if (started) {
      started = false;
      await asServer('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']).catch(
        () => undefined,
      );
    }
    await rm(root, { recursive: true, force: true });
  };

  try {
    // --no-sync only for initdb's own files (a test cluster's template); the server itself keeps
    // fsync and synchronous_commit on, so commits under test are synced commits.
    await asServer('initdb', [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    // Trust, but for the server's own socket and 127.0.0.1 only; nothing else is listened on.
    await writeFile(join(dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    if (user !== null) await chown(join(dataDir, 'pg_hba.conf'), user.uid, user.gid);

    const startOn = async (port: number): Promise<void> => {
      await asServer('pg_ctl', [
        'start',
        '-D',
        dataDir,
        '-l',
        logFile,
        '-w',
        '-t',
        '60',
        '-o',
        `-k ${socketDir} -c listen_addresses=127.0.0.1 -p ${port} -c max_connections=200`,
      ]);
      started = true;
    };
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await startOn(port);
        break;
      } catch (error) {
        // Another process may have taken the free port between the probe and the start.
        if (attempt >= 3) {
          const log = await readFile(logFile, 'utf8').catch(() => '');
          throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`);
        }
      }
    }

    const adminUrl = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    let made = 0;
    const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    };

    return {
      adminUrl,
      port,
      async createDatabase(prefix = 'test') {
        made += 1;
        const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${made}`;
        await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
        return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
      },
      async dropDatabase(url) {
        const name = new URL(url).pathname.slice(1);
        if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a test database: ${name}`);
        await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
      async pause() {
        if (!started) throw new Error('the PostgreSQL test server is not running');
        await asServer('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']);
        started = false;
      },
      async resume() {
        if (started) throw new Error('the PostgreSQL test server is already running');
        await startOn(port);
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * One cluster for the test file that calls this: started before its first test, stopped after
 * its last. The getter throws if used outside a test (the server is not up yet).
 */
export function usePostgresServer(): () => PostgresTestServer {
  let server: PostgresTestServer | undefined;
  beforeAll(async () => {
    server = await startPostgresTestServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return () => {
    if (server === undefined) throw new Error('the PostgreSQL test server runs only inside tests');
    return server;
  };
}
