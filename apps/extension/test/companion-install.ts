import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The real companion's command line (apps/companion), run from source as a developer runs it. */
const COMPANION_CLI = fileURLToPath(new URL('../../companion/bin/companion.mjs', import.meta.url));

export interface CompanionInstall {
  readonly dataDir: string;
  /** The host logs here (the browser never shows a host's stderr). */
  readonly log: string;
}

/**
 * Installs the real companion for one Chromium profile with its own installer (DESIGN §7):
 * `companion install --profile-dir <userDataDir>` writes the config (allowed origins, extension
 * id), the launcher (which pins the data directory), and the native-messaging manifest in
 * `<userDataDir>/NativeMessagingHosts/`, where Chromium looks for user-level hosts.
 */
export async function installCompanion(options: {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionId: string;
  readonly origins: readonly string[];
}): Promise<CompanionInstall> {
  const dataDir = join(options.root, 'companion');
  await promisify(execFile)(
    process.execPath,
    [
      COMPANION_CLI,
      'install',
      '--profile-dir',
      options.userDataDir,
      '--extension-id',
      options.extensionId,
      ...options.origins.flatMap((origin) => ['--origin', origin]),
    ],
    { env: { ...process.env, INDICIUM_COMPANION_HOME: dataDir } },
  );
  return { dataDir, log: join(dataDir, 'companion.log') };
}
