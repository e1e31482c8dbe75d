import { spawn } from 'node:child_process';

/** What a system tool printed and how it ended. */
export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The tool is not installed (ENOENT). */
  readonly missing: boolean;
}

/**
 * Runs a CUPS tool with arguments as an array (no shell, so no queue name or title can inject a
 * command), optionally feeding `input` on stdin, in the C locale so its messages can be parsed.
 */
export function runTool(
  command: string,
  args: readonly string[],
  input?: Uint8Array,
  timeoutMs = 30_000,
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let missing = false;
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') missing = true;
    });
    // A tool that exits before reading all of stdin closes the pipe: that is its exit status's story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input === undefined ? undefined : Buffer.from(input));
    child.on('close', (code) => {
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        missing,
      });
    });
  });
}
