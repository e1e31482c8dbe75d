import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultctl } from '../../test/support/run-vaultctl.js';
import { openPostalCa } from '../ca/open-postal-ca.js';
import { importJoinKit } from '../ceremony/import-join-kit.js';
import { newNodeIdentity } from '../ceremony/node-identity.js';
import { ensureProviderKey } from '../ceremony/provider-key.js';
import { VAULT_MANIFEST_FORMAT, writeVaultManifest } from '../ceremony/vault-manifest.js';
import { ensureServerSecrets } from '../config/server-secrets.js';

/**
 * `vaultctl export-join-kit` as the operator runs it (DESIGN §10), over a data directory holding
 * a real postal CA, provider key, server secrets and vault.json. The join itself, with processes,
 * is in test/pg-two-nodes.test.ts and test/pg-join.test.ts.
 */
const PASSPHRASE = 'export join kit from the command line';
let root: string;
let dataDir: string;
let nodeId: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-export-kit-'));
  dataDir = join(root, 'a');
  await openPostalCa(join(dataDir, 'ca', 'postal'));
  await ensureProviderKey(join(dataDir, 'provider'));
  await ensureServerSecrets(join(dataDir, 'secrets'));
  const node = newNodeIdentity('first');
  nodeId = node.id;
  await writeVaultManifest(dataDir, {
    format: VAULT_MANIFEST_FORMAT,
    createdAt: new Date().toISOString(),
    master: 'M0001',
    modules: [],
    mks: { version: 3, kcv: '00112233445566778899aabbccddeeff' },
    shares: { n: 3, k: 2 },
    cryptoCard: { format: 1 },
    node,
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('vaultctl export-join-kit', () => {
  it('reads the passphrase from standard input and writes a kit that opens with it', async () => {
    const out = join(root, 'stdin.kit');
    const run = await vaultctl(
      ['--data-dir', dataDir, '--passphrase-stdin', 'export-join-kit', '--out', out],
      `${PASSPHRASE}\n`,
    );
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      kit: out,
      fromNode: nodeId,
      mks: { version: 3, kcv: '00112233445566778899aabbccddeeff' },
    });
    expect(run.err).toContain('--join');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const cluster = await importJoinKit({ dataDir: join(root, 'b'), kitPath: out, passphrase: PASSPHRASE });
    expect(cluster.mks.version).toBe(3);
  });

  it('takes --passphrase-file, refuses a short passphrase and an existing file (exit 1, typed)', async () => {
    const file = join(root, 'pass');
    await writeFile(file, 'short\n', { mode: 0o600 });
    const out = join(root, 'file.kit');
    const short = await vaultctl([
      '--data-dir',
      dataDir,
      'export-join-kit',
      '--out',
      out,
      '--passphrase-file',
      file,
    ]);
    expect(short.code).toBe(1);
    expect(short.err).toContain('INVALID_FIELD (passphrase)');
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(file, `${PASSPHRASE}\n`);
    expect(
      (await vaultctl(['--data-dir', dataDir, 'export-join-kit', '--out', out, '--passphrase-file', file]))
        .code,
    ).toBe(0);
    const again = await vaultctl([
      '--data-dir',
      dataDir,
      'export-join-kit',
      '--out',
      out,
      '--passphrase-file',
      file,
    ]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('VAULT_DATA_REFUSED');
  });

  it('refuses without a terminal to ask on, and from a directory that is no vault', async () => {
    const noTty = await vaultctl(['--data-dir', dataDir, 'export-join-kit', '--out', join(root, 'tty.kit')]);
    expect(noTty.code).toBe(1);
    expect(noTty.err).toContain('INVALID_FIELD (passphrase)');
    const file = join(root, 'pass2');
    await writeFile(file, `${PASSPHRASE}\n`, { mode: 0o600 });
    const empty = await vaultctl([
      '--data-dir',
      join(root, 'none'),
      'export-join-kit',
      '--out',
      join(root, 'none.kit'),
      '--passphrase-file',
      file,
    ]);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('VAULT_DATA_REFUSED');
  });

  it('has --help naming the kit and the join', async () => {
    const help = await vaultctl(['join-modules', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--source-vault');
    expect((await vaultctl(['export-join-kit', '--help'])).out).toContain('--passphrase-file');
  });
});
