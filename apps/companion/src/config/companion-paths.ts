import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Every file the companion keeps, all in one owner-only data directory (DESIGN §4.2, §7). */
export interface CompanionPaths {
  readonly dataDir: string;
  /** The install: pinned vault and CA, allowed origins and extensions, printers. */
  readonly config: string;
  /** HMK and per-meter-user records, encrypted under the passphrase. */
  readonly secrets: string;
  /** The append-only journal of issued indicia. */
  readonly journal: string;
  readonly journalLock: string;
  /** The host's log: the browser never shows a host's stderr, and stdout is the frame channel. */
  readonly log: string;
  /** The executable the native-messaging manifests name. */
  readonly launcher: string;
}

/**
 * The data directory: `INDICIUM_COMPANION_HOME` when set (tests, several installs side by side),
 * else `$XDG_DATA_HOME/indicium-companion`, else `~/.local/share/indicium-companion`.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const explicit = env.INDICIUM_COMPANION_HOME;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const xdg = env.XDG_DATA_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(home, '.local', 'share');
  return join(base, 'indicium-companion');
}

export function companionPaths(dataDir: string): CompanionPaths {
  return Object.freeze({
    dataDir,
    config: join(dataDir, 'companion.json'),
    secrets: join(dataDir, 'secrets.json'),
    journal: join(dataDir, 'journal.jsonl'),
    journalLock: join(dataDir, 'journal.lock'),
    log: join(dataDir, 'companion.log'),
    launcher: join(dataDir, 'bin', 'indicium-companion-host'),
  });
}
