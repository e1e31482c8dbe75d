import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFICER_PATHS, PROTOCOL_VERSION } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultProcess, type VaultProcess } from '../src/http/testing/vault-process.js';
import { exportJoinKit, joinFlags, joinModulesFrom, nodeFlags } from './support/join-cluster.js';
import { usePostgresServer } from './support/postgres-test-server.js';
import { vaultctl } from './support/run-vaultctl.js';

/**
 * Joining a cluster refused (DESIGN §10), with the real processes: `vault --join` with a wrong
 * passphrase or an altered kit writes nothing and does not start; `vaultctl join-modules` from a
 * vault of another cluster (another first run, so another MKS) is refused before any module is
 * touched, and the joining node's modules stay out of service and Uninitialized; the same node then
 * joins from its own cluster. pg-two-nodes.test.ts runs the join that succeeds under load.
 */
const server = usePostgresServer();
const PASSPHRASE = 'the passphrase of the join kit';

let root: string;
let kit: string;
let passphraseFile: string;
let url: string;
let nodeA: VaultProcess;
let other: VaultProcess;
let nodeB: VaultProcess | undefined;

const ARGS = ['--meter-stock', '0', '--audit-interval', '3600', '--pool-size', '2'];
const dirOf = (name: string) => join(root, name);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-join-'));
  url = await server().createDatabase('join');
  // Node A's cluster on PostgreSQL, and another vault (its own first run: another MKS) on SQLite.
  [nodeA, other] = await Promise.all([
    startVaultProcess(dirOf('a'), ['--database-url', url, ...ARGS]),
    startVaultProcess(dirOf('other'), ARGS),
  ]);
  kit = join(root, 'b.kit');
  passphraseFile = join(root, 'passphrase');
  await writeFile(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const exported = await exportJoinKit(dirOf('a'), kit, passphraseFile);
  expect(exported.code, exported.err).toBe(0);
}, 300_000);

afterAll(async () => {
  await Promise.allSettled([nodeA?.stop(), other?.stop(), nodeB?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

/** `vault --join` that must not start: its exit code, what it said, and what it left in its data dir. */
async function refusedStart(name: string, kitPath: string, passphrase: string) {
  const dir = dirOf(name);
  const pass = join(root, `${name}.passphrase`);
  await writeFile(pass, `${passphrase}\n`, { mode: 0o600 });
  const started = startVaultProcess(dir, ['--database-url', url, ...ARGS, ...joinFlags(kitPath, pass)]);
  const error = await started.then(
    async (node) => {
      await node.stop();
      return new Error('the node started');
    },
    (e: unknown) => e as Error,
  );
  const left = await readdir(dir, { recursive: true }).catch(() => []);
  return { message: error.message, left };
}

describe('vault --join refuses a kit it cannot trust, and writes nothing', () => {
  it('a wrong passphrase', async () => {
    const { message, left } = await refusedStart('wrong', kit, 'not the passphrase at all');
    expect(message).toContain('exited (1)');
    expect(message).toContain('The passphrase is not correct.');
    expect(left).toEqual([]);
  }, 60_000);

  it('a kit altered after sealing', async () => {
    const envelope = JSON.parse(await readFile(kit, 'utf8')) as { ciphertext: string };
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[100] = (bytes[100] ?? 0) ^ 1;
    const altered = join(root, 'altered.kit');
    await writeFile(altered, JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') }));
    const { message, left } = await refusedStart('altered', altered, PASSPHRASE);
    expect(message).toContain('exited (1)');
    expect(message).toContain('The join kit cannot be used');
    expect(left).toEqual([]);
  }, 60_000);
});

describe('vaultctl join-modules', () => {
  it('refuses a source of another MKS (key-check value mismatch) and leaves every module out of service, then joins from its own cluster', async () => {
    const dirB = dirOf('b');
    nodeB = await startVaultProcess(dirB, [
      '--database-url',
      url,
      ...ARGS,
      ...joinFlags(kit, passphraseFile),
    ]);
    const credentials = join(dirB, 'officers.json');
    const b = nodeFlags(nodeB, dirB);
    const from = joinModulesFrom;
    const modulesOfB = async () => {
      const listed = await vaultctl([...b, 'modules']);
      return JSON.parse(listed.out) as { serial: string; inService: boolean }[];
    };

    const refused = await vaultctl([...b, ...from(other, dirOf('other'))]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('KEY_CHECK_FAILED (sourceVault)');
    expect(refused.err).toContain('no module was changed');
    const after = await modulesOfB();
    expect(after).toHaveLength(2);
    expect(after.every((m) => !m.inService && m.serial.startsWith('N'))).toBe(true);
    for (const { serial } of after) {
      // Still Uninitialized: no officer, no MKS, nothing done to it.
      const path = OFFICER_PATHS.dispatch.replace('{serial}', serial);
      const body = { protocol: PROTOCOL_VERSION, request: { command: 'get-status', body: {} } };
      const status = await nodeB.request('POST', path, { body });
      expect(
        status.json<{ outcome: { result: { currentState: string } } }>().outcome.result.currentState,
      ).toBe('U');
    }
    await expect(readFile(credentials)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await nodeB.request('GET', '/readyz')).status).toBe(503);

    const joined = await vaultctl([...b, ...from(nodeA, dirOf('a'))]);
    expect(joined.code, joined.err).toBe(0);
    expect((await modulesOfB()).every((m) => m.inService)).toBe(true);
    expect(joined.err).toContain("M0001: back in its node's PSD service");
    // The source left node A's PSD service only while it exported shares.
    const modulesOfA = await vaultctl(['--vault', nodeA.url, '--data-dir', dirOf('a'), 'modules']);
    expect((JSON.parse(modulesOfA.out) as { inService: boolean }[]).every((m) => m.inService)).toBe(true);
    expect((await nodeB.request('GET', '/readyz')).status).toBe(200);
    // Nothing left to join: a second run says so, typed.
    const again = await vaultctl([...b, ...from(nodeA, dirOf('a'))]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('INVALID_FIELD (module)');
  }, 300_000);
});
