import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_HOST_NAME } from '@indicium/protocol';

/** The real companion host entry (apps/companion), run from source as its own launcher does. */
const HOST_ENTRY = fileURLToPath(new URL('../../companion/bin/native-host.ts', import.meta.url));
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');

export interface CompanionInstall {
  readonly dataDir: string;
  readonly log: string;
}

/**
 * Installs the real companion for one Chromium profile, as `companion install --profile-dir` does
 * (DESIGN §7): its config (allowed origins and extension id, owner-only), a launcher, and the
 * native-messaging manifest in `<userDataDir>/NativeMessagingHosts/`, where Chromium looks for
 * user-level hosts. The launcher pins the data directory, so the host needs no environment.
 */
export async function installCompanion(options: {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionId: string;
  readonly origins: readonly string[];
}): Promise<CompanionInstall> {
  const dataDir = join(options.root, 'companion');
  await mkdir(join(dataDir, 'bin'), { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const config = {
    version: 1,
    origins: options.origins,
    chromeExtensionIds: [options.extensionId],
    firefoxExtensionIds: [],
    vault: null,
    printFolders: {},
    defaultPrinter: null,
    idleTimeoutSeconds: 900,
  };
  await writeFile(join(dataDir, 'companion.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const launcher = join(dataDir, 'bin', 'indicium-companion-host');
  await writeFile(
    launcher,
    [
      '#!/bin/sh',
      `INDICIUM_COMPANION_HOME='${dataDir}'`,
      'export INDICIUM_COMPANION_HOME',
      `exec '${process.execPath}' --conditions=@indicium/source --import '${TSX_LOADER}' '${HOST_ENTRY}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  const hosts = join(options.userDataDir, 'NativeMessagingHosts');
  await mkdir(hosts, { recursive: true });
  await writeFile(
    join(hosts, `${NATIVE_HOST_NAME}.json`),
    JSON.stringify({
      name: NATIVE_HOST_NAME,
      description: 'Indicium companion',
      path: launcher,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${options.extensionId}/`],
    }),
  );
  return { dataDir, log: join(dataDir, 'companion.log') };
}
