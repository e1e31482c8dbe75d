/** `companion` — the CLI (DESIGN §7). Run it through `npm run companion --` or the package bin. */
import { runCli } from '../src/cli/companion-cli.js';
import { resolveDataDir } from '../src/config/companion-paths.js';
import { createVaultClient } from '../src/vault/create-vault-client.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  vault: createVaultClient({ dataDir: () => resolveDataDir(process.env) }),
});
