import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { exportJoinKit } from '../ceremony/export-join-kit.js';
import { MIN_JOIN_KIT_PASSPHRASE } from '../ceremony/join-kit.js';
import type { CliIo, GlobalOptions } from './cli-context.js';
import { promptPassphrase, readLine } from './read-passphrase.js';

/** The kit's passphrase: `--passphrase-file`, `--passphrase-stdin`, or asked twice on the terminal. */
async function newPassphrase(
  options: { readonly passphraseFile?: string },
  global: GlobalOptions,
  io: CliIo,
): Promise<string> {
  if (options.passphraseFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.passphraseFile, 'utf8');
    } catch (cause) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'passphraseFile',
        detail: `cannot read ${options.passphraseFile}`,
        cause,
      });
    }
    return text.split(/\r?\n/, 1)[0] ?? '';
  }
  if (global.passphraseStdin === true) return readLine(io.stdin);
  const first = await promptPassphrase(
    `new join kit passphrase (at least ${MIN_JOIN_KIT_PASSPHRASE} characters): `,
    io.stdin,
    io.stderr,
  );
  const again = await promptPassphrase('the same passphrase again: ', io.stdin, io.stderr);
  if (first !== again)
    throw new IndiciumError('INVALID_FIELD', { field: 'passphrase', detail: 'the two passphrases differ' });
  return first;
}

/**
 * `vaultctl export-join-kit --out FILE` (DESIGN §10), on a node of the cluster: seals what a new
 * node must share with this one (postal CA, provider key, session key, the cluster facts of
 * vault.json) under a passphrase into FILE (0600). It reads `--data-dir` directly and needs no
 * running vault: whoever can read that directory holds these secrets already.
 */
export async function exportJoinKitCommand(
  options: { readonly out: string; readonly passphraseFile?: string },
  global: GlobalOptions,
  io: CliIo,
): Promise<void> {
  const dataDir = global.dataDir ?? io.env.INDICIUM_DATA_DIR ?? join(homedir(), '.indicium', 'vault');
  const passphrase = await newPassphrase(options, global, io);
  const { path, contents } = await exportJoinKit({ dataDir, out: options.out, passphrase });
  io.stderr.write(
    `join kit written to ${path} (mode 0600): copy it to the new node and start it with --join ${path}; ` +
      'give the passphrase separately, and delete the kit once the node has joined\n',
  );
  io.stdout.write(
    `${JSON.stringify({ kit: path, fromNode: contents.fromNode, mks: contents.cluster.mks }, null, 2)}\n`,
  );
}
