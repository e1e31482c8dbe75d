import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { COMPANION_CLI, EXTENSION_ID, REPO_ROOT } from './repo-paths.js';
import { nodeTs, runProgram } from './run-program.js';
import type { RunningVault } from './start-vault.js';

/**
 * The lines a companion process writes to stdout, with a wait for the first that matches. (The
 * companion's own office fixture has one too, but this package's tsconfig keeps its sources
 * inside e2e/, so the few lines are here.)
 */
export class LineReader {
  readonly lines: string[] = [];
  #buffer = '';

  constructor(child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('utf8');
      const parts = this.#buffer.split('\n');
      this.#buffer = parts.pop() ?? '';
      this.lines.push(...parts);
    });
  }

  async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const match = pattern.exec(line);
        if (match !== null) return match;
      }
      if (Date.now() > deadline) throw new Error(`no line like ${pattern} in:\n${this.lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * The real companion CLI as a child process with its own data folder: `bin/companion.ts` under
 * tsx directly (not the `.mjs` wrapper), so that stopping it stops the companion itself.
 */
function spawnCompanion(args: readonly string[], home: string): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...nodeTs(), join(REPO_ROOT, 'apps/companion/bin/companion.ts'), ...args], {
    cwd: join(REPO_ROOT, 'apps/companion'),
    env: { ...process.env, INDICIUM_COMPANION_HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export interface RunningGateway {
  /** The gateway's INDICIUM_COMPANION_HOME: the users' sealed HMKs, the office log. */
  readonly home: string;
  readonly port: number;
  /** The gateway's stdout, where pairing codes appear for the person at the gateway. */
  readonly out: LineReader;
  stop(): Promise<void>;
}

/**
 * The office gateway of DESIGN §9 as its own process (`companion gateway`), installed with the
 * companion's own installer: the vault pinned, the web UI's origin allowed, and the office CUPS
 * queue as its default printer. Loopback only: the browsers here all run on this machine.
 */
export async function startGateway(
  root: string,
  vault: RunningVault,
  queue: string,
): Promise<RunningGateway> {
  const home = join(root, 'gateway');
  await runProgram(
    process.execPath,
    [
      COMPANION_CLI,
      'install',
      // The gateway serves no browser of its own: its manifest goes into a folder no browser reads.
      '--profile-dir',
      join(root, 'gateway-no-browser'),
      '--extension-id',
      EXTENSION_ID,
      '--origin',
      vault.url,
      '--vault',
      vault.url,
      '--ca',
      vault.postalCaFile,
      '--tls-ca',
      vault.tlsCaFile,
      '--default-printer',
      `cups:${queue}`,
    ],
    { env: { ...process.env, INDICIUM_COMPANION_HOME: home } },
  );
  const child = spawnCompanion(['gateway', '--listen', '127.0.0.1:0'], home);
  const out = new LineReader(child);
  const port = Number(
    (await out.waitFor(/^gateway listening on \S+:(\d+) certificate sha256 [0-9a-f]{64}$/))[1],
  );
  return {
    home,
    port,
    out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Puts an installed companion into interface mode for one meter user and pairs it with the
 * gateway (DESIGN §9): `companion interface --gateway` shows a code, the gateway shows the same;
 * the person types the gateway's code at the interface and the interface's at `gateway confirm`.
 * Resolves once both sides confirmed; rejects if the two codes differ.
 */
export async function pairInterface(
  gateway: RunningGateway,
  interfaceHome: string,
  who: { readonly meterId: string; readonly userId: string; readonly name: string },
): Promise<string> {
  const child = spawnCompanion(
    [
      'interface',
      '--gateway',
      `127.0.0.1:${gateway.port}`,
      '--meter',
      who.meterId,
      '--user',
      who.userId,
      '--name',
      who.name,
    ],
    interfaceHome,
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const shown = await new LineReader(child).waitFor(
    /^pairing (\S+): this computer shows code (\d{3}) (\d{3})$/,
  );
  const pairingId = shown[1] as string;
  const code = `${shown[2]}${shown[3]}`;
  const onGateway = await gateway.out.waitFor(
    new RegExp(
      `^pairing ${pairingId} from "${who.name}" for ${who.userId}@${who.meterId}: code (\\d{3}) (\\d{3})`,
    ),
  );
  if (`${onGateway[1]}${onGateway[2]}` !== code) throw new Error('the gateway shows another pairing code');
  child.stdin.end(`${code}\n`);
  const status = await exited;
  if (status !== 0) throw new Error(`companion interface exited with ${status}: ${stderr}`);
  await runProgram(process.execPath, [COMPANION_CLI, 'gateway', 'confirm', pairingId, '--code', code], {
    env: { ...process.env, INDICIUM_COMPANION_HOME: gateway.home },
  });
  return pairingId;
}
