import type { Readable, Writable } from 'node:stream';
import { IndiciumError } from '@indicium/protocol';

/**
 * Reads the passphrase: from a terminal without echo, else the first line of stdin (scripts and
 * tests pipe it). Never from an argument or the environment, which other users may read
 * (`/proc/<pid>/cmdline`, shell history).
 */
export async function readPassphrase(
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown },
  prompt: Writable,
): Promise<string> {
  const tty = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (tty) prompt.write('Passphrase: ');
  stdin.setEncoding('utf8');
  if (tty) stdin.setRawMode?.(true);
  let text = '';
  try {
    text = await new Promise<string>((resolve, reject) => {
      let collected = '';
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\n' || char === '\r') return finish(collected);
          if (char === '\u0003')
            return reject(new IndiciumError('INVALID_INPUT', { field: 'passphrase', detail: 'cancelled' }));
          if (tty && (char === '\u007f' || char === '\b')) collected = collected.slice(0, -1);
          else collected += char;
        }
      };
      const onEnd = () => finish(collected);
      const finish = (value: string) => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        resolve(value);
      };
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.resume();
    });
  } finally {
    if (tty) {
      stdin.setRawMode?.(false);
      prompt.write('\n');
    }
  }
  if (text === '')
    throw new IndiciumError('INVALID_INPUT', { field: 'passphrase', detail: 'no passphrase given' });
  return text;
}
