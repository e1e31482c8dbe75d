import { createInterface } from 'node:readline';
import { type Readable, Writable } from 'node:stream';
import { IndiciumError } from '@indicium/protocol';

/** Reads one line from a stream (the `--passphrase-stdin` source), without the newline. */
export async function readLine(input: Readable): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new IndiciumError('INVALID_FIELD', { field: 'passphrase', detail: 'nothing on standard input' });
}

/**
 * Asks for a passphrase on the terminal without echoing it. Refuses when standard input is not a
 * terminal: a script must say where the passphrase comes from (`--passphrase-stdin`, `--credentials`).
 */
export async function promptPassphrase(
  question: string,
  input: Readable & { readonly isTTY?: boolean | undefined },
  output: Writable,
): Promise<string> {
  if (input.isTTY !== true) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'passphrase',
      detail: 'no terminal to ask on: use --passphrase-stdin or --credentials with --as',
    });
  }
  output.write(question);
  const muted = new Writable({ write: (_c, _e, done) => done() });
  const lines = createInterface({ input, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => lines.once('line', resolve));
  } finally {
    lines.close();
    output.write('\n');
  }
}
