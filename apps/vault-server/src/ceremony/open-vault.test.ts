import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain, verifyStatus } from '@indicium/crypto-module';
import { IndiciumError, type ModuleStatus } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfficerSession } from '../officers/officer-session.js';
import { type OfficersFile, readOfficersFile } from '../officers/officers-file.js';
import { moduleFiles } from '../pool/module-files.js';
import { type OpenedVault, openVault } from './open-vault.js';
import { readVaultManifest } from './vault-manifest.js';

let dataDir: string;
let vault: OpenedVault;
let officers: OfficersFile;
const progress: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'indicium-first-run-'));
  vault = await openVault({ dataDir, modules: 3, progress: (line) => progress.push(line) });
  officers = await readOfficersFile(vault.officersPath);
}, 120_000);

afterAll(async () => {
  await vault.close();
  await rm(dataDir, { recursive: true, force: true });
});

function sessionFor(serial: string): OfficerSession {
  const credentials = officers.modules.find((m) => m.serial === serial);
  if (credentials === undefined) throw new Error(`no credentials for ${serial}`);
  return new OfficerSession(
    { dispatch: (r) => vault.pool.dispatch(r, { module: serial }) },
    { moduleSerial: serial, modulePublicKey: credentials.modulePublicKey, officers: credentials.officers },
  );
}

async function signedStatus(serial: string): Promise<ModuleStatus> {
  const nonce = Buffer.from(`nonce-${serial}-${Date.now()}`).toString('base64');
  const outcome = await vault.pool.dispatch({ command: 'get-status', body: { nonce } }, { module: serial });
  if (!outcome.ok) throw new Error(outcome.error.code);
  const key = officers.modules.find((m) => m.serial === serial)?.modulePublicKey as string;
  return verifyStatus(outcome.result, key, nonce);
}

describe('first run (DESIGN §6: the real ceremony, unattended)', () => {
  it('makes a master and clones, all Operational under the same MKS version, and says where the credentials are', async () => {
    expect(vault.firstRun).toBe(true);
    expect(vault.pool.serials()).toEqual(['M0001', 'M0002', 'M0003']);
    for (const serial of vault.pool.serials()) {
      expect(await signedStatus(serial)).toMatchObject({
        currentState: 'O',
        activeMksVersion: 1,
        fatal: false,
      });
    }
    const manifest = vault.manifest();
    expect(manifest).toMatchObject({ master: 'M0001', mks: { version: 1 }, shares: { n: 3, k: 2 } });
    expect(progress.some((line) => line.includes(vault.officersPath) && line.includes('0600'))).toBe(true);
    expect(
      progress.filter((line) => line.includes('key-check value') && line.includes('matches')),
    ).toHaveLength(2);
  });

  it('writes officers.json owner-only, with strong, distinct passphrases per module and role', async () => {
    expect((await stat(vault.officersPath)).mode & 0o777).toBe(0o600);
    expect(officers.modules.map((m) => [m.serial, m.origin])).toEqual([
      ['M0001', 'master'],
      ['M0002', 'clone'],
      ['M0003', 'clone'],
    ]);
    const passphrases = officers.modules.flatMap((m) => m.officers.map((o) => o.passphrase));
    expect(new Set(passphrases).size).toBe(passphrases.length);
    for (const p of passphrases) expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
    for (const m of officers.modules) {
      expect(m.officers.map((o) => o.role).sort()).toEqual([
        'administrator',
        'auditor',
        'key-custodian',
        'key-custodian',
        'key-custodian',
        'security-officer',
      ]);
    }
    expect((await stat(join(dataDir, 'provider', 'provider.key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dataDir, 'ca', 'postal', 'postal-ca.cert.pem'), 'utf8')).toContain(
      'BEGIN CERTIFICATE',
    );
  });

  it('every module opens the key tokens the master sealed: one MKS and one crypto-card across the pool', async () => {
    const tokens = vault.manifest().cryptoCard;
    const keys = new Set<string>();
    for (const serial of vault.pool.serials()) {
      const session = sessionFor(serial);
      await session.open();
      try {
        const loaded = await session.call<{ registrationPublicKey: string; clientSecretPublicKey: string }>(
          'so',
          'update-crypto-card',
          { tokens },
        );
        keys.add(`${loaded.registrationPublicKey}/${loaded.clientSecretPublicKey}`);
        const bytes = Buffer.from(tokens.parameters as string, 'base64');
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
        const tampered = { ...tokens, parameters: bytes.toString('base64') };
        const refused = await session.call('so', 'update-crypto-card', { tokens: tampered }).catch((e) => e);
        expect(refused).toBeInstanceOf(IndiciumError);
        expect(refused).toMatchObject({ code: 'TOKEN_INVALID' });
      } finally {
        await session.close();
      }
    }
    expect(keys.size).toBe(1);
  });

  it('stored every audit entry of the ceremony, and each module chain verifies under its audit key', async () => {
    for (const serial of vault.pool.serials()) {
      const session = sessionFor(serial);
      await session.open();
      const { auditPublicKey } = await session.call<{ auditPublicKey: string }>(
        'auditor',
        'export-audit-key',
      );
      await session.close();
      const head = await signedStatus(serial);
      const entries = await vault.audit.read(serial);
      expect(entries[0]).toMatchObject({ command: 'start-initialization', sequence: 0 });
      expect(entries.some((e) => e.command === 'combine-mks-shares' || e.command === 'generate-mks')).toBe(
        true,
      );
      const verification = verifyAuditChain(entries, auditPublicKey, { moduleSerial: serial, head });
      expect(verification.problems).toEqual([]);
      expect(verification.valid).toBe(true);
    }
  });
});

describe('second start', () => {
  it('boots the same modules over their NVM and runs no ceremony', async () => {
    const before = await Promise.all(vault.pool.serials().map(signedStatus));
    const officersBefore = await readFile(vault.officersPath, 'utf8');
    await vault.close();
    vault = await openVault({ dataDir, modules: 5 });
    expect(vault.firstRun).toBe(false);
    expect(vault.pool.serials()).toEqual(['M0001', 'M0002', 'M0003']);
    for (const [i, serial] of vault.pool.serials().entries()) {
      const after = await signedStatus(serial);
      expect(after).toMatchObject({ currentState: 'O', activeMksVersion: 1 });
      expect(after.bootCount).toBe((before[i] as ModuleStatus).bootCount + 1);
    }
    expect(await readFile(vault.officersPath, 'utf8')).toBe(officersBefore);
    expect(await readVaultManifest(dataDir)).toEqual(vault.manifest());
  });

  it('refuses a first run that stopped half-way', async () => {
    const half = await mkdtemp(join(tmpdir(), 'indicium-half-'));
    try {
      await mkdir(moduleFiles(half, 'M0001').dir, { recursive: true, mode: 0o700 });
      const refused = await openVault({ dataDir: half, modules: 2 }).catch((e) => e);
      expect(refused).toMatchObject({ code: 'VAULT_DATA_REFUSED', details: { reason: 'incomplete' } });
    } finally {
      await rm(half, { recursive: true, force: true });
    }
  });
});

describe('first run: the node of a cluster (DESIGN §10)', () => {
  it('records a node id and the empty serial prefix: a single vault keeps M0001…', () => {
    expect(vault.manifest().node).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}$/), serialPrefix: '' });
  });
});
