import { join } from 'node:path';
import type { VaultProcess } from '../../src/http/testing/vault-process.js';
import { type VaultctlRun, vaultctl } from './run-vaultctl.js';

/**
 * Test support for clusters of vault nodes on one database (DESIGN §10), the steps an operator
 * runs (README "Several nodes"): seal the join kit on a node, start the new node with `--join`,
 * clone the MKS into its modules with `vaultctl join-modules`.
 */

/** vaultctl's flags to reach `node` whose data directory is `dir` (its CA, its officers file). */
export const nodeFlags = (node: VaultProcess, dir: string): string[] => [
  '--vault',
  node.url,
  '--data-dir',
  dir,
  '--credentials',
  join(dir, 'officers.json'),
];

/** `vaultctl export-join-kit` on the node whose data directory is `dir`. */
export function exportJoinKit(dir: string, kit: string, passphraseFile: string): Promise<VaultctlRun> {
  return vaultctl(['--data-dir', dir, 'export-join-kit', '--out', kit, '--passphrase-file', passphraseFile]);
}

/** The vault flags that make a new node join with `kit`. */
export const joinFlags = (kit: string, passphraseFile: string): string[] => [
  '--join',
  kit,
  '--join-passphrase-file',
  passphraseFile,
];

/** `vaultctl join-modules` arguments cloning from module `serial` of `source` (data directory `dir`). */
export const joinModulesFrom = (source: VaultProcess, dir: string, serial = 'M0001'): string[] => [
  'join-modules',
  '--source-vault',
  source.url,
  '--source-ca',
  join(dir, 'tls', 'dev-ca.cert.pem'),
  '--source',
  serial,
  '--source-credentials',
  join(dir, 'officers.json'),
];
