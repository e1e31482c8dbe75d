import type { Server } from 'node:https';
import type { Logger } from 'pino';

/** One step after the HTTP server stopped: flush store commits, close the pool, close the store. */
export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

export interface GracefulShutdown {
  /** True from the first signal on: answers ask clients to close, `/readyz` says 503. */
  isDraining(): boolean;
  /** Runs the whole shutdown once (later calls return the same promise); resolves to the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Installs SIGTERM/SIGINT handlers that shut down, then exit with the code. */
  installSignalHandlers(exit?: (code: number) => void): void;
}

/**
 * The one place the vault stops, in order (STYLE "Config, logging, shutdown"; DESIGN §6 "graceful
 * shutdown that loses no commit"): (1) stop accepting connections and close idle keep-alive ones;
 * (2) let in-flight requests finish — each answer says `Connection: close` — for up to
 * `drainTimeoutMs`, then cut what remains; (3) run the steps in the order given: flush the store's
 * pending commits, close the module pool, close the store. A failing step is logged and the rest
 * still run, so the database is closed even if the pool fails; the exit code is then 1.
 *
 * @example
 * const stop = createGracefulShutdown({ server, log, steps: [flushStore, closePool, closeStore] });
 * stop.installSignalHandlers();
 */
export function createGracefulShutdown(deps: {
  readonly server: Server;
  readonly log: Logger;
  readonly steps: readonly ShutdownStep[];
  readonly drainTimeoutMs?: number;
}): GracefulShutdown {
  let draining = false;
  let running: Promise<number> | undefined;
  const drainTimeoutMs = deps.drainTimeoutMs ?? 10_000;

  async function drain(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      deps.server.close(() => resolve());
    });
    deps.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), drainTimeoutMs);
    });
    const outcome = await Promise.race([closed, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      deps.log.warn({ drainTimeoutMs }, 'requests still open after the drain time-out; closing them');
      deps.server.closeAllConnections();
      await closed;
    }
  }

  async function run(reason: string): Promise<number> {
    draining = true;
    deps.log.info({ reason }, 'shutting down: no new connections, draining requests');
    await drain();
    let code = 0;
    for (const step of deps.steps) {
      try {
        await step.run();
        deps.log.info({ step: step.name }, 'shutdown step done');
      } catch (error) {
        code = 1;
        deps.log.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    deps.log.info({ code }, 'vault stopped');
    return code;
  }

  return {
    isDraining: () => draining,
    shutdown(reason) {
      running ??= run(reason);
      return running;
    },
    installSignalHandlers(exit = (code) => process.exit(code)) {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.on(signal, () => {
          void this.shutdown(signal).then(exit);
        });
      }
    },
  };
}
