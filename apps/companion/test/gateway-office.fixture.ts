import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeFrame, FrameDecoder } from '../src/native/frame-codec.js';

/**
 * Test support for the office test (DESIGN §9): each interface machine in its own network
 * namespace joined to the gateway's by a veth pair (as root; loopback when namespaces cannot be
 * made), and the real companion programs — the gateway, `companion interface`, the native host —
 * as child processes inside them.
 */

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/', import.meta.url));
const NODE_ARGS = ['--conditions=@indicium/source', '--import', 'tsx'];

export interface Machine {
  /** The namespace, or null on loopback. */
  readonly netns: string | null;
  /** The address this machine reaches the gateway at. */
  readonly gatewayHost: string;
}

export interface OfficeNetwork {
  readonly mode: 'netns' | 'loopback';
  readonly machines: Machine[];
  close(): Promise<void>;
}

/** Makes `count` machines, each in a namespace with a /30 link to this (the gateway's) namespace. */
export async function createOfficeNetwork(count: number): Promise<OfficeNetwork> {
  const tag = `g1${process.pid % 10_000}`;
  const made: string[] = [];
  try {
    const machines: Machine[] = [];
    for (let i = 0; i < count; i += 1) {
      const netns = `idx-${tag}-${i}`;
      const host = `v${tag}h${i}`;
      const peer = `v${tag}p${i}`;
      // 10.201.<n>.0/30 per machine, <n> from the pid so parallel test runs do not collide.
      const subnet = `10.201.${(process.pid % 60) * 4 + i}`;
      await run('ip', ['netns', 'add', netns]);
      made.push(netns);
      await run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
      await run('ip', ['link', 'set', peer, 'netns', netns]);
      await run('ip', ['addr', 'add', `${subnet}.1/30`, 'dev', host]);
      await run('ip', ['link', 'set', host, 'up']);
      await run('ip', ['netns', 'exec', netns, 'ip', 'addr', 'add', `${subnet}.2/30`, 'dev', peer]);
      await run('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', peer, 'up']);
      await run('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
      machines.push({ netns, gatewayHost: `${subnet}.1` });
    }
    return {
      mode: 'netns',
      machines,
      close: () => removeNamespaces(made),
    };
  } catch {
    await removeNamespaces(made);
    return {
      mode: 'loopback',
      machines: Array.from({ length: count }, () => ({ netns: null, gatewayHost: '127.0.0.1' })),
      close: async () => undefined,
    };
  }
}

async function removeNamespaces(names: readonly string[]): Promise<void> {
  // Deleting a namespace deletes the veth pair with it.
  for (const name of names) await run('ip', ['netns', 'del', name]).catch(() => undefined);
}

/** A companion program (`bin/<script>`) as a child process on `machine` (or here, when null). */
export function spawnCompanion(
  machine: Machine | null,
  script: 'companion.ts' | 'native-host.ts',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcessWithoutNullStreams {
  const command = [process.execPath, ...NODE_ARGS, `${BIN}${script}`, ...args];
  const [file, ...rest] =
    machine?.netns == null ? command : ['ip', 'netns', 'exec', machine.netns, ...command];
  return spawn(file as string, rest, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Lines a child writes to stdout, collected, with a wait for the first that matches. */
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
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The browser's side of native messaging to one interface companion's host (DESIGN §4.1). */
export class BrowserPort {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #decoder = new FrameDecoder();
  readonly #inbox: Record<string, unknown>[] = [];
  #next = 0;
  stderr = '';

  constructor(machine: Machine, extensionId: string, dataDir: string) {
    this.#child = spawnCompanion(machine, 'native-host.ts', [`chrome-extension://${extensionId}/`], {
      INDICIUM_COMPANION_HOME: dataDir,
    });
    this.#child.stdout.on('data', (chunk: Buffer) => {
      for (const frame of this.#decoder.push(chunk)) {
        if (frame.ok) this.#inbox.push(frame.message as Record<string, unknown>);
      }
    });
    this.#child.stderr.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
  }

  async hello(): Promise<Record<string, unknown>> {
    this.#child.stdin.write(
      encodeFrame({ kind: 'hello', protocol: 1, component: 'extension', version: '0.1.0' }),
    );
    return this.#take((m) => m.kind === 'hello');
  }

  /** One page call; resolves with the response's payload or the error frame's error. */
  async call(
    origin: string,
    type: string,
    payload: unknown,
  ): Promise<{ ok: true; payload: Record<string, unknown> } | { ok: false; error: Record<string, unknown> }> {
    this.#next += 1;
    const requestId = `browser-${this.#next}-${process.pid}`;
    this.#child.stdin.write(
      encodeFrame({ kind: 'request', protocol: 1, requestId, origin, request: { type, payload } }),
    );
    const answer = await this.#take(
      (m) => m.requestId === requestId && (m.kind === 'response' || m.kind === 'error'),
    );
    return answer.kind === 'response'
      ? { ok: true, payload: answer.payload as Record<string, unknown> }
      : { ok: false, error: answer.error as Record<string, unknown> };
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    if (this.#child.exitCode === null) await new Promise((r) => this.#child.once('exit', r));
  }

  async #take(match: (m: Record<string, unknown>) => boolean, timeoutMs = 240_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.#inbox.findIndex(match);
      if (at >= 0) return this.#inbox.splice(at, 1)[0] as Record<string, unknown>;
      if (this.#child.exitCode !== null) throw new Error(`the host exited: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error('no answer from the host in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
