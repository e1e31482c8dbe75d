import { PassThrough, Writable } from 'node:stream';
import { runVaultctl } from '../../src/vaultctl/vaultctl-program.js';

export interface VaultctlRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/**
 * Test support: `vaultctl` in this process (the real program: real HTTPS to the vaults, real
 * officer sessions), its output captured, no terminal.
 */
export async function vaultctl(args: readonly string[], stdin = ''): Promise<VaultctlRun> {
  const out = capture();
  const err = capture();
  const input = new PassThrough();
  input.end(stdin);
  const code = await runVaultctl(args, { stdin: input, stdout: out.stream, stderr: err.stream, env: {} });
  return { code, out: out.text(), err: err.text() };
}
