import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError, type PageCallRequest, type PageCallType } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPageCallTable } from '../src/calls/build-page-call-table.js';
import { createCallDependencies } from '../src/calls/create-call-dependencies.js';
import { dispatchPageCall, type PageCallTable } from '../src/calls/page-call-table.js';
import {
  type CompanionConfig,
  emptyConfig,
  ensureDataDir,
  writeConfig,
} from '../src/config/companion-config.js';
import { companionPaths } from '../src/config/companion-paths.js';
import { makeTestPki } from '../src/install/fake-vault-tls.fixture.js';
import { createVaultClient } from '../src/vault/create-vault-client.js';
import { type RealVault, signUpCustomer, startMitm, startRealVault } from './vault-harness.fixture.js';

/**
 * The `users` page call against the real vault process (DESIGN §3.3 Add / Delete / Modify / List
 * PSD Users): the page asks, the companion MACs the request with the customer administrator's HMK
 * and checks the module's answer. Tampered answers go through an HTTPS man in the middle.
 */

const PASSPHRASE = 'a long passphrase for the administrator';
let root: string;
let companionDir: string;
let vault: RealVault;
let mitm: Awaited<ReturnType<typeof startMitm>>;
let meterId: string;
let table: PageCallTable;
let deps: ReturnType<typeof createCallDependencies>;
let tlsCaPem: { direct: string; mitm: string };

async function call<T extends PageCallType>(type: T, payload: PageCallRequest<T>) {
  return dispatchPageCall(table, deps, type, payload, {
    origin: 'https://meter.example',
    requestId: 'req-00000001',
    progress: () => undefined,
  });
}

async function refusal(promise: Promise<unknown>): Promise<IndiciumError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  return error as IndiciumError;
}

const change = (overrides: Partial<PageCallRequest<'users'>>): PageCallRequest<'users'> => ({
  meterId,
  userId: 'ada',
  action: 'list',
  targetUserId: null,
  role: null,
  privileges: [],
  maximumTotalMills: null,
  expiresAt: null,
  reregister: false,
  ...overrides,
});

/** Points the companion at the vault directly or through the man in the middle. */
async function pin(via: 'direct' | 'mitm', caPem: string): Promise<void> {
  const config: CompanionConfig = {
    ...emptyConfig(),
    vault: { url: via === 'direct' ? vault.url : mitm.url, caPem, tlsCaPem: tlsCaPem[via] },
    origins: ['https://meter.example'],
  };
  await writeConfig(companionPaths(companionDir).config, config);
}

let postalCaPem: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'companion-users-'));
  companionDir = join(root, 'companion');
  await ensureDataDir(companionDir);
  await mkdir(join(root, 'pki'));
  const [started, pki] = await Promise.all([
    startRealVault(join(root, 'vault')),
    makeTestPki(join(root, 'pki')),
  ]);
  vault = started;
  mitm = await startMitm(vault, { key: pki.leafKeyPem, cert: pki.leafPem });
  tlsCaPem = { direct: vault.devCaPem, mitm: pki.tlsCaPem };
  postalCaPem = (await vault.request('GET', '/v1/ca')).text;
  const web = await signUpCustomer(vault, 'ada@example.com');
  const licence = await web.call<{ meterId: string | null }>('POST', '/v1/licences', {
    protocol: 1,
    licensingZip: '10001',
    idempotencyKey: 'licence-0001',
  });
  if (licence.meterId === null) throw new Error('no meter assigned');
  meterId = licence.meterId;
  await pin('direct', postalCaPem);
  const paths = companionPaths(companionDir);
  const config = {
    ...emptyConfig(),
    vault: { url: vault.url, caPem: postalCaPem, tlsCaPem: vault.devCaPem },
  };
  deps = createCallDependencies(paths, config, createVaultClient({ dataDir: () => companionDir }));
  table = buildPageCallTable(deps);
  const token = await web.call<{ registrationToken: string }>(
    'POST',
    `/v1/meters/${meterId}/registration-tokens`,
    { protocol: 1, mode: 'configure', userId: 'ada' },
  );
  await call('register', {
    mode: 'configure',
    meterId,
    customerId: web.customerId,
    userId: 'ada',
    registrationToken: token.registrationToken,
    passphrase: PASSPHRASE,
  });
}, 300_000);

afterAll(async () => {
  await mitm?.close();
  await vault?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('users page call ↔ real vault (DESIGN §3.3)', () => {
  it('lists, adds a colleague with privileges, a maximum and an expiry, modifies and deletes them', async () => {
    await call('unlock', { passphrase: PASSPHRASE });
    const listed = await call('users', change({}));
    expect(listed.meterId).toBe(meterId);
    expect(listed.users).toEqual([expect.objectContaining({ userId: 'ada', role: 'customer-admin' })]);

    const added = await call(
      'users',
      change({
        action: 'add',
        targetUserId: 'grace',
        role: 'user',
        privileges: ['create-indicia', 'status'],
        maximumTotalMills: 5000,
        expiresAt: '2027-12-31T00:00:00.000Z',
      }),
    );
    expect(added.users.find((u) => u.userId === 'grace')).toMatchObject({
      role: 'user',
      privileges: ['create-indicia', 'status'],
      maximumTotalMills: 5000,
      totalMills: 0,
      registered: false,
    });
    expect(added.users.find((u) => u.userId === 'grace')?.expiresAt).toMatch(/^2027-12-31T00:00:00/);

    const modified = await call(
      'users',
      change({
        action: 'modify',
        targetUserId: 'grace',
        role: 'user',
        privileges: ['create-indicia'],
        maximumTotalMills: 9000,
        expiresAt: null,
      }),
    );
    expect(modified.users.find((u) => u.userId === 'grace')).toMatchObject({
      privileges: ['create-indicia'],
      maximumTotalMills: 9000,
      expiresAt: null,
    });
    // Each answer's Cm was saved: the next request, a fresh list, goes through without a resync.
    expect((await call('users', change({}))).users.map((u) => u.userId)).toEqual(['ada', 'grace']);

    const deleted = await call('users', change({ action: 'delete', targetUserId: 'grace' }));
    expect(deleted.users.map((u) => u.userId)).toEqual(['ada']);
  }, 120_000);

  it("the module's refusals arrive as its typed codes: a user who is not there, an existing one added again", async () => {
    const missing = await refusal(
      call(
        'users',
        change({ action: 'modify', targetUserId: 'nobody', role: 'user', privileges: ['status'] }),
      ),
    );
    expect(missing.code).toBe('INVALID_FIELD');
    expect(missing.field).toBe('request.targetUserId');
    const again = await refusal(
      call('users', change({ action: 'add', targetUserId: 'ada', role: 'user', privileges: ['status'] })),
    );
    expect(again.code).toBe('INVALID_FIELD');
    expect(again.field).toBe('request.targetUserId');
    // The refusals used no Cm the companion still relies on: the list answers at once.
    expect((await call('users', change({}))).users.map((u) => u.userId)).toEqual(['ada']);
  }, 120_000);

  it('a tampered answer is MAC_INVALID; the next request resynchronises its challenge and succeeds', async () => {
    await pin('mitm', postalCaPem);
    try {
      mitm.intercept({
        path: '/v1/psd/users',
        kind: 'rewrite',
        rewrite: (answer) => ({
          ...answer,
          users: (answer.users as Record<string, unknown>[]).map((u) => ({ ...u, maximumTotalMills: null })),
        }),
      });
      const tampered = await refusal(
        call(
          'users',
          change({
            action: 'add',
            targetUserId: 'linus',
            role: 'user',
            privileges: ['create-indicia'],
            maximumTotalMills: 100,
          }),
        ),
      );
      expect(tampered.code).toBe('MAC_INVALID');
      expect(tampered.field).toBe('answer.mac');
      expect(mitm.intercepted).toBe(1);
    } finally {
      await pin('direct', postalCaPem);
    }
    // The vault did add linus; the used Cm is refused once and a fresh Get Challenge clears it.
    const listed = await call('users', change({}));
    expect(listed.users.find((u) => u.userId === 'linus')).toMatchObject({ maximumTotalMills: 100 });
  }, 120_000);

  it('a locked companion refuses before asking the vault: COMPANION_LOCKED', async () => {
    await call('lock', {});
    const locked = await refusal(call('users', change({})));
    expect(locked.code).toBe('COMPANION_LOCKED');
  });
});
