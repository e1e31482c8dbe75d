import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameDecoder } from './frame-codec.js';

const HOST = fileURLToPath(new URL('../../bin/native-host.ts', import.meta.url));

/**
 * The real host as a child process, as the browser starts it: node with tsx and the workspace's
 * source condition, the extension origin as its argument, frames on stdin and stdout.
 */
export class HostProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly #decoder = new FrameDecoder();
  readonly #inbox: unknown[] = [];
  #waiters: (() => void)[] = [];
  stdoutBytes = 0;
  exitCode: number | null | undefined;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(
      process.execPath,
      ['--conditions=@indicium/source', '--import', 'tsx', HOST, ...args],
      {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdoutBytes += chunk.length;
      for (const frame of this.#decoder.push(chunk)) {
        if (!frame.ok) throw new Error(`the host wrote a bad frame: ${frame.error.message}`);
        this.#inbox.push(frame.message);
      }
      this.#wake();
    });
    this.child.on('exit', (code) => {
      this.exitCode = code;
      this.#wake();
    });
  }

  send(message: unknown): void {
    this.child.stdin.write(encodeFrame(message, Number.MAX_SAFE_INTEGER));
  }

  sendRaw(bytes: Uint8Array): void {
    this.child.stdin.write(bytes);
  }

  /** The next message from the host (fails after `timeoutMs`). */
  async next(timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inbox.length === 0) {
      if (this.exitCode !== undefined) throw new Error(`the host exited (${this.exitCode})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no message from the host in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#inbox.shift() as Record<string, unknown>;
  }

  /** Closes stdin, as the browser does when the port closes; resolves with the exit code. */
  async close(): Promise<number | null> {
    this.child.stdin.end();
    if (this.exitCode === undefined) await new Promise((resolve) => this.child.once('exit', resolve));
    return this.exitCode ?? null;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
