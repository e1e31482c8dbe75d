import { execFile } from 'node:child_process';

/** Runs a program to its end; rejects with its stderr when it fails. */
export function runProgram(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** Node with the source condition and tsx, the way the workspaces' own scripts run TypeScript. */
export function nodeTs(): string[] {
  return ['--conditions=@indicium/source', '--import', 'tsx'];
}
