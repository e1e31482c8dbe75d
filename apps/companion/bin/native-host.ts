/**
 * The native-messaging host the browser starts (DESIGN §4.1), through the launcher that
 * `companion install` writes. stdout carries frames only: nothing else may print to it.
 */
import { resolveDataDir } from '../src/config/companion-paths.js';
import { runNativeHost } from '../src/native/run-native-host.js';
import { createVaultClient } from '../src/vault/create-vault-client.js';

try {
  await runNativeHost({
    args: process.argv.slice(2),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    vault: createVaultClient({ dataDir: () => resolveDataDir(process.env) }),
  });
  process.exitCode = 0;
} catch (error) {
  // Only a failure to start gets here (the data directory or the log cannot be made); the browser
  // never shows stderr, but a person running the launcher by hand sees it.
  process.stderr.write(
    `indicium companion host: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
