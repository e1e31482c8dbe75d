import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs a commit-stream child (a TypeScript script that prints `ready`, then one unit number per
 * line as each commit resolves) until it has reported `killAfter` units, SIGKILLs it, and returns
 * every unit number it reported (lines still in the pipe are read to the end). The crash tests of
 * both store dialects use it.
 */
export function commitThenKill(
  script: string,
  args: readonly string[],
  killAfter: number,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@indicium/source', '--import', 'tsx', script, ...args],
      {
        cwd: PACKAGE_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const reported: number[] = [];
    let buffered = '';
    let stderr = '';
    let ready = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') ready = true;
        else reported.push(Number(line));
      }
      if (ready && reported.length >= killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the child ended by itself (${signal}): ${stderr}`));
      else resolve(reported);
    });
  });
}
