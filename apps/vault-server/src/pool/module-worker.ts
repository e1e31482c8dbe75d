import { Worker } from 'node:worker_threads';
import { IndiciumError, type ModuleOutcome, type ModuleRequest } from '@indicium/protocol';
import type { ModuleFiles } from './module-files.js';
import { transferListOf } from './transfer-list.js';
import type { FromWorker, ModuleWorkerData, ToWorker } from './worker-messages.js';

const BOOTSTRAP = new URL('./module-worker.bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./module.worker.ts', import.meta.url);
const SOURCE_CONDITION = '--conditions=@indicium/source';

/** Flags a worker may inherit: module resolution and loaders, warnings, source maps. */
const INHERITED =
  /^(--conditions|-C|--import|--require|-r|--loader|--experimental-[a-z-]+|--no-warnings|--no-deprecation|--enable-source-maps)(=|$)/;
const TAKES_VALUE = new Set(['--conditions', '-C', '--import', '--require', '-r', '--loader']);

/**
 * The worker's Node flags: the parent's resolution and loader flags (so a worker resolves and
 * loads modules as its parent does), plus the source condition for workspace imports. Others,
 * such as `--inspect` or V8 heap sizes, are per process and would make `new Worker` throw.
 */
export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const argv: string[] = [];
  for (let i = 0; i < parent.length; i += 1) {
    const flag = parent[i] as string;
    if (!INHERITED.test(flag)) continue;
    argv.push(flag);
    const value = parent[i + 1];
    if (TAKES_VALUE.has(flag) && value !== undefined) {
      argv.push(value);
      i += 1;
    }
  }
  return argv.includes(SOURCE_CONDITION) ? argv : [...argv, SOURCE_CONDITION];
}

interface Pending {
  readonly resolve: (outcome: ModuleOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One module thread seen from the pool: a request/answer channel over `postMessage`, with the
 * requests in flight. `started` resolves once the module booted; `exited` once the thread is gone.
 * When the thread dies unasked, every request in flight fails with MODULE_CRASHED (the caller
 * cannot know whether the command committed) and `onCrash` tells the pool to start a new one.
 */
export class ModuleWorker {
  readonly files: ModuleFiles;
  readonly worker: Worker;
  readonly started: Promise<void>;
  readonly exited: Promise<number>;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopping = false;
  #alive = true;

  constructor(files: ModuleFiles, onCrash: (worker: ModuleWorker, why: Error) => void) {
    this.files = files;
    const data: ModuleWorkerData = {
      serial: files.serial,
      nvmPath: files.nvmPath,
      storageKeyPath: files.storageKeyPath,
      entry: ENTRY.href,
    };
    this.worker = new Worker(BOOTSTRAP, { workerData: data, execArgv: workerExecArgv() });
    let lastError: Error | null = null;
    this.started = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'boot-failed') {
          reject(
            new IndiciumError('VAULT_UNAVAILABLE', {
              detail: `module ${files.serial}: ${message.error.detail}`,
            }),
          );
          void this.stop();
        } else this.#answer(message.id, message.outcome);
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', () =>
        reject(
          new IndiciumError('MODULE_CRASHED', { detail: `module ${files.serial} exited while booting` }),
        ),
      );
    });
    this.started.catch(() => undefined);
    this.worker.on('error', (error) => {
      lastError = error;
    });
    this.exited = new Promise<number>((resolve) => {
      this.worker.once('exit', (code) => {
        this.#alive = false;
        const why = lastError ?? new Error(`module thread exited with code ${code}`);
        this.#failPending(why);
        if (!this.#stopping) onCrash(this, why);
        resolve(code);
      });
    });
  }

  /** Requests sent and not yet answered: the pool's least-busy measure. */
  get inFlight(): number {
    return this.#pending.size;
  }

  get alive(): boolean {
    return this.#alive;
  }

  dispatch(request: ModuleRequest): Promise<ModuleOutcome> {
    if (!this.#alive) {
      return Promise.reject(
        new IndiciumError('MODULE_CRASHED', { detail: `module ${this.files.serial} is down` }),
      );
    }
    const id = this.#nextId++;
    return new Promise<ModuleOutcome>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const message: ToWorker = { type: 'dispatch', id, request };
      try {
        this.worker.postMessage(message, transferListOf(message));
      } catch (error) {
        this.#pending.delete(id);
        reject(error);
      }
    });
  }

  /** Ends the thread on purpose (pool close, or an operator's restart): no crash is reported. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.worker.terminate();
    await this.exited;
  }

  #answer(id: number, outcome: ModuleOutcome): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    pending.resolve(outcome);
  }

  #failPending(why: Error): void {
    for (const pending of this.#pending.values()) {
      pending.reject(
        new IndiciumError('MODULE_CRASHED', {
          detail: `module ${this.files.serial}: ${why.message}`,
          cause: why,
        }),
      );
    }
    this.#pending.clear();
  }
}
