import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPANION_CLI, EXTENSION_ID } from './repo-paths.js';
import { runProgram } from './run-program.js';

export interface InstalledCompanion {
  /** INDICIUM_COMPANION_HOME: config, secrets, journal, the host's log. */
  readonly home: string;
  /** The host logs here (the browser never shows a host's stderr). */
  readonly log: string;
  /** Where `folder:e2e` prints land (one PDF per print). */
  readonly printDir: string;
}

/**
 * Installs the real companion for one Chromium profile with its own installer (DESIGN §7):
 * `companion install --profile-dir` writes the native-messaging manifest into
 * `<userDataDir>/NativeMessagingHosts/` (where Chromium looks for user-level hosts), pins the
 * vault (postal CA + its HTTPS CA) and makes a print folder the default printer.
 */
export async function installCompanion(options: {
  readonly root: string;
  readonly userDataDir: string;
  readonly origin: string;
  readonly vaultUrl: string;
  readonly postalCaFile: string;
  readonly tlsCaFile: string;
}): Promise<InstalledCompanion> {
  const home = join(options.root, 'companion');
  const printDir = join(options.root, 'printed');
  await mkdir(printDir, { recursive: true });
  await runProgram(
    process.execPath,
    [
      COMPANION_CLI,
      'install',
      '--profile-dir',
      options.userDataDir,
      '--extension-id',
      EXTENSION_ID,
      '--origin',
      options.origin,
      '--vault',
      options.vaultUrl,
      '--ca',
      options.postalCaFile,
      '--tls-ca',
      options.tlsCaFile,
      '--print-folder',
      `e2e=${printDir}`,
      '--default-printer',
      'folder:e2e',
    ],
    { env: { ...process.env, INDICIUM_COMPANION_HOME: home } },
  );
  return { home, log: join(home, 'companion.log'), printDir };
}
