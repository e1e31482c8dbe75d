import { REPO_ROOT } from './repo-paths.js';
import { runProgram } from './run-program.js';

/** Builds the web UI into apps/web/dist, where the vault serves it from (`npm run build -w @indicium/web`). */
export async function buildWeb(): Promise<void> {
  await runProgram('npm', ['run', 'build', '--silent', '-w', '@indicium/web'], { cwd: REPO_ROOT });
}
