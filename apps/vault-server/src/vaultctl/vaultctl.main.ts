import { runVaultctl } from './vaultctl-program.js';

/** `vaultctl`'s process entry (started by `bin/vaultctl.mjs` with tsx and the source condition). */
process.exitCode = await runVaultctl(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
