import { join } from 'node:path';
import { EXTENSION_BUILD_CLI, REPO_ROOT } from './repo-paths.js';
import { nodeTs, runProgram } from './run-program.js';

/**
 * Builds the real extension with its own build program for these allow-listed origins (the list
 * is compiled in, and the vault's port is known only once it runs). Returns the Chrome folder.
 */
export async function buildExtension(outDir: string, allowedOrigins: readonly string[]): Promise<string> {
  await runProgram(process.execPath, [...nodeTs(), EXTENSION_BUILD_CLI], {
    cwd: join(REPO_ROOT, 'apps/extension'),
    env: {
      ...process.env,
      INDICIUM_EXTENSION_OUT: outDir,
      INDICIUM_ALLOWED_ORIGINS: allowedOrigins.join(','),
    },
  });
  return join(outDir, 'chrome');
}
