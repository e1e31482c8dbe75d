import { readFile } from 'node:fs/promises';
import { IndiciumError } from '@indicium/protocol';
import { promptPassphrase } from '../vaultctl/read-passphrase.js';
import type { VaultConfig } from './config.js';

/**
 * The join kit's passphrase for `vault --join` (DESIGN §10): the first line of
 * `--join-passphrase-file`, or asked on the terminal without echo. Never a flag or an
 * environment variable: those show in `ps` and in the environment of every child.
 */
export async function readJoinPassphrase(
  join: NonNullable<VaultConfig['join']>,
  terminal: { readonly stdin: NodeJS.ReadStream; readonly stderr: NodeJS.WriteStream } = process,
): Promise<string> {
  if (join.passphraseFile === null) {
    return promptPassphrase(`passphrase of the join kit ${join.kitFile}: `, terminal.stdin, terminal.stderr);
  }
  let text: string;
  try {
    text = await readFile(join.passphraseFile, 'utf8');
  } catch (cause) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'joinPassphraseFile',
      detail: `cannot read ${join.passphraseFile}`,
      cause,
    });
  }
  const [line = ''] = text.split(/\r?\n/, 1);
  if (line === '') {
    throw new IndiciumError('INVALID_FIELD', { field: 'joinPassphraseFile', detail: 'the file is empty' });
  }
  return line;
}
