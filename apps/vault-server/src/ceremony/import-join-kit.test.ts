import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { openPostalCa } from '../ca/open-postal-ca.js';
import { ensureServerSecrets } from '../config/server-secrets.js';
import { exportJoinKit } from './export-join-kit.js';
import { importJoinKit } from './import-join-kit.js';
import { newNodeIdentity } from './node-identity.js';
import { type OpenedVault, openVault } from './open-vault.js';
import { ensureProviderKey } from './provider-key.js';
import { readVaultManifest, VAULT_MANIFEST_FORMAT, writeVaultManifest } from './vault-manifest.js';

/**
 * Export on node A, import on node B (DESIGN §10), through the real files: node A's data directory
 * holds a real postal CA, provider key, server secrets and vault.json (the facts of a first run;
 * the modules themselves are not needed to export, and open-vault.test.ts runs the ceremony).
 */
const PASSPHRASE = 'correct cluster join passphrase';
let root: string;
let nodeA: string;
let kit: string;
const opened: OpenedVault[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-join-kit-'));
  nodeA = join(root, 'a');
  await openPostalCa(join(nodeA, 'ca', 'postal'));
  await ensureProviderKey(join(nodeA, 'provider'));
  await ensureServerSecrets(join(nodeA, 'secrets'));
  await writeVaultManifest(nodeA, {
    format: VAULT_MANIFEST_FORMAT,
    createdAt: new Date().toISOString(),
    master: 'M0001',
    modules: [{ serial: 'M0001', modulePublicKey: 'AAAA', inService: true }],
    mks: { version: 1, kcv: 'fedcba9876543210fedcba9876543210' },
    shares: { n: 3, k: 2 },
    cryptoCard: { format: 1, sealed: 'BBBB' },
    cardPublicKeys: { registration: 'CCCC', clientSecret: 'DDDD' },
    node: newNodeIdentity('first'),
  });
  kit = join(root, 'b.kit');
  await exportJoinKit({ dataDir: nodeA, out: kit, passphrase: PASSPHRASE });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(opened.map((v) => v.close()));
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir`, relative (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}

describe('export-join-kit (node A)', () => {
  it('writes a new owner-only file, and never over an existing one', async () => {
    expect((await stat(kit)).mode & 0o777).toBe(0o600);
    await expectIndiciumRejection(() => exportJoinKit({ dataDir: nodeA, out: kit, passphrase: PASSPHRASE }), {
      code: 'VAULT_DATA_REFUSED',
      reason: 'exists',
    });
  });

  it('refuses a directory that is no finished vault', async () => {
    await expectIndiciumRejection(
      () => exportJoinKit({ dataDir: join(root, 'empty'), out: join(root, 'x.kit'), passphrase: PASSPHRASE }),
      { code: 'VAULT_DATA_REFUSED', reason: 'missing' },
    );
  });
});

describe('importJoinKit (node B, `vault --join`)', () => {
  it('a wrong passphrase: PASSPHRASE_WRONG, and nothing written', async () => {
    const dir = join(root, 'wrong');
    await expectIndiciumRejection(
      () => importJoinKit({ dataDir: dir, kitPath: kit, passphrase: 'not the passphrase' }),
      {
        code: 'PASSPHRASE_WRONG',
        field: 'passphrase',
      },
    );
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('a tampered kit: JOIN_KIT_REFUSED, and nothing written', async () => {
    const dir = join(root, 'tampered');
    const envelope = JSON.parse(await readFile(kit, 'utf8')) as { ciphertext: string };
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[40] = (bytes[40] ?? 0) ^ 0x80;
    const tampered = join(root, 'tampered.kit');
    await writeFile(tampered, JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') }));
    await expectIndiciumRejection(
      () => importJoinKit({ dataDir: dir, kitPath: tampered, passphrase: PASSPHRASE }),
      {
        code: 'JOIN_KIT_REFUSED',
        reason: 'tampered',
      },
    );
    expect(await filesUnder(dir)).toEqual([]);
  });

  it("writes A's postal CA, provider key and session key, owner-only, and returns the cluster facts", async () => {
    const dir = join(root, 'b');
    const cluster = await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE });
    const manifestA = await readVaultManifest(nodeA);
    expect(cluster).toEqual({
      master: 'M0001',
      mks: manifestA?.mks,
      shares: manifestA?.shares,
      cryptoCard: manifestA?.cryptoCard,
      cardPublicKeys: manifestA?.cardPublicKeys,
    });
    for (const file of [
      'ca/postal/postal-ca.key.pem',
      'ca/postal/postal-ca.cert.pem',
      'provider/provider.key.pem',
      'secrets/server-secrets.json',
    ]) {
      expect(await readFile(join(dir, file), 'utf8'), file).toBe(await readFile(join(nodeA, file), 'utf8'));
      expect((await stat(join(dir, file))).mode & 0o077, file).toBe(0);
    }
    expect((await openPostalCa(join(dir, 'ca', 'postal'))).created).toBe(false);
  });

  it('a join that stopped before its vault.json goes on with the same kit, and never becomes a first run', async () => {
    const dir = join(root, 'resumed');
    const first = await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE });
    expect(await filesUnder(dir)).toContain('join.pending');
    // The node stopped here (say the database was unreachable): without --join it refuses to
    // make a vault of its own over the cluster's postal CA …
    await expectIndiciumRejection(() => openVault({ dataDir: dir, modules: 2 }), {
      code: 'VAULT_DATA_REFUSED',
      reason: 'incomplete',
    });
    // … and with the same kit it goes on.
    expect(await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE })).toEqual(first);
  });

  it.each([
    [
      'after the CA key',
      ['ca/postal/postal-ca.cert.pem', 'provider/provider.key.pem', 'secrets/server-secrets.json'],
    ],
    ['after the CA', ['provider/provider.key.pem', 'secrets/server-secrets.json']],
    ['after the provider key', ['secrets/server-secrets.json']],
  ])('a join stopped %s goes on with the same kit and writes the rest', async (name, missing) => {
    const dir = join(root, `stopped ${name}`);
    const first = await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE });
    const all = await filesUnder(dir);
    for (const file of missing) await rm(join(dir, file));
    expect(await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE })).toEqual(first);
    expect(await filesUnder(dir)).toEqual(all);
    for (const file of missing) {
      expect(await readFile(join(dir, file), 'utf8'), file).toBe(await readFile(join(nodeA, file), 'utf8'));
      expect((await stat(join(dir, file))).mode & 0o077, file).toBe(0);
    }
  });

  it('a part-written directory without join.pending, or with a key not the kit’s, is refused', async () => {
    const dir = join(root, 'partial-not-pending');
    await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE });
    await rm(join(dir, 'secrets/server-secrets.json'));
    await rm(join(dir, 'join.pending'));
    await expectIndiciumRejection(
      () => importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE }),
      {
        code: 'VAULT_DATA_REFUSED',
        reason: 'exists',
      },
    );
    const other = join(root, 'partial-other-provider');
    await importJoinKit({ dataDir: other, kitPath: kit, passphrase: PASSPHRASE });
    await rm(join(other, 'secrets/server-secrets.json'));
    await rm(join(other, 'provider/provider.key.pem'));
    await ensureProviderKey(join(other, 'provider'));
    const before = await filesUnder(other);
    await expectIndiciumRejection(
      () => importJoinKit({ dataDir: other, kitPath: kit, passphrase: PASSPHRASE }),
      { code: 'VAULT_DATA_REFUSED', reason: 'exists' },
    );
    expect(await filesUnder(other)).toEqual(before);
  });

  it('refuses a directory holding other keys than the kit', async () => {
    const dir = join(root, 'other-keys');
    await ensureServerSecrets(join(dir, 'secrets'));
    const before = await filesUnder(dir);
    await expectIndiciumRejection(
      () => importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE }),
      {
        code: 'VAULT_DATA_REFUSED',
        reason: 'exists',
      },
    );
    expect(await filesUnder(dir)).toEqual(before);
  });

  it('refuses a data directory a vault already uses, writing nothing', async () => {
    const before = await filesUnder(nodeA);
    await expectIndiciumRejection(
      () => importJoinKit({ dataDir: nodeA, kitPath: kit, passphrase: PASSPHRASE }),
      {
        code: 'VAULT_DATA_REFUSED',
        reason: 'exists',
      },
    );
    expect(await filesUnder(nodeA)).toEqual(before);
  });
});

describe('openVault with join (a node that joined waits for vaultctl join-modules)', () => {
  it('makes its modules out of service under its own serial prefix, and keeps them so across restarts', async () => {
    const dir = join(root, 'joined');
    const cluster = await importJoinKit({ dataDir: dir, kitPath: kit, passphrase: PASSPHRASE });
    const progress: string[] = [];
    const vault = await openVault({
      dataDir: dir,
      modules: 2,
      join: cluster,
      progress: (l) => progress.push(l),
    });
    opened.push(vault);
    const node = vault.manifest().node;
    expect(node?.serialPrefix).toBe(`N${node?.id}-`);
    expect(vault.pool.serials()).toEqual([`N${node?.id}-M0001`, `N${node?.id}-M0002`]);
    expect(vault.pool.info().every((m) => !m.inService)).toBe(true);
    expect(vault.firstRun).toBe(false);
    expect(vault.manifest()).toMatchObject({ modules: [], mks: cluster.mks, cryptoCard: cluster.cryptoCard });
    expect(progress.join('\n')).toContain('vaultctl join-modules');
    expect(await filesUnder(dir)).not.toContain('join.pending');
    const status = await vault.pool.dispatch(
      { command: 'get-status', body: {} },
      { module: vault.pool.serials()[0] as string },
    );
    expect(status.ok && (status.result as { currentState: string }).currentState).toBe('U');
    await vault.close();
    opened.pop();

    await expectIndiciumRejection(() => openVault({ dataDir: dir, modules: 2, join: cluster }), {
      code: 'VAULT_DATA_REFUSED',
      reason: 'exists',
    });
    const again = await openVault({ dataDir: dir, modules: 2 });
    opened.push(again);
    expect(again.pool.serials()).toEqual(vault.pool.serials());
    expect(again.pool.info().every((m) => !m.inService)).toBe(true);
    // A module added later on this node stays under its prefix too (never a plain M0003).
    expect((await again.pool.addModule()).serial).toBe(`N${node?.id}-M0003`);
  }, 60_000);
});
