import type { Logger } from 'pino';
import type { AccountsStore } from './accounts-store.js';

export interface SessionSweeper {
  /** Deletes every expired session now; resolves with how many. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * Deletes expired web sessions on a schedule. Expired sessions are already refused (the store
 * returns only live ones); sweeping keeps the table from growing without bound and removes
 * hashes no one should keep.
 *
 * @example
 * const sweeper = createSessionSweeper({ store, log, intervalMs: 3_600_000 });
 * // on shutdown: sweeper.stop();
 */
export function createSessionSweeper(deps: {
  readonly store: Pick<AccountsStore, 'sessions'>;
  readonly log: Logger;
  readonly intervalMs?: number;
  readonly now?: () => number;
}): SessionSweeper {
  const now = deps.now ?? Date.now;
  const sweep = async () => {
    const deleted = await deps.store.sessions.deleteExpired(now());
    if (deleted > 0) deps.log.info({ deleted }, 'expired web sessions deleted');
    return deleted;
  };
  const timer = setInterval(
    () => {
      sweep().catch((error: unknown) => deps.log.warn({ err: error }, 'expired-session sweep failed'));
    },
    deps.intervalMs ?? 60 * 60 * 1000,
  );
  // The sweep never keeps the process alive on its own.
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
