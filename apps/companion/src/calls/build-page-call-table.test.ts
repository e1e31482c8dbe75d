import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError, type PageCallRequest, type PageCallType } from '@indicium/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CompanionConfig, emptyConfig } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { makeTestIndicium } from '../render/test-indicium.fixture.js';
import { SecretStore } from '../secrets/secret-store.js';
import { buildPageCallTable } from './build-page-call-table.js';
import { createCallDependencies } from './create-call-dependencies.js';
import { type CallDependencies, dispatchPageCall, type PageCallTable } from './page-call-table.js';
import type { IssuedIndicium, VaultClient } from './vault-client.js';

/**
 * These tests cover the table's own glue around the vault client — unlock first, addresses before
 * postage, journal before printer, printer trouble reported as printed: false — with a scripted
 * client that answers with real signed indicia. The PSD protocol itself is the vault client's, and
 * is tested with it against a real vault.
 */
const PASSPHRASE = 'a long enough passphrase';
const METER_ID = '00042-00001-0000001001';
let root: string;
let qaDir: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-calls-'));
  qaDir = join(root, 'qa');
  await mkdir(qaDir);
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface Scripted extends VaultClient {
  calls: number;
  next: IssuedIndicium | IndiciumError;
}

function scriptedVault(): Scripted {
  const vault: Scripted = {
    calls: 0,
    next: new IndiciumError('VAULT_UNREACHABLE'),
    reachable: async () => true,
    register: async () => {
      throw new IndiciumError('VAULT_UNAVAILABLE');
    },
    issueIndicium: async (_request, { progress }) => {
      vault.calls += 1;
      progress('issuing');
      if (vault.next instanceof IndiciumError) throw vault.next;
      return vault.next;
    },
    adminUsers: async (request) => {
      vault.calls += 1;
      return { meterId: request.meterId, users: [] };
    },
  };
  return vault;
}

function issued(): IssuedIndicium {
  return {
    indicium: makeTestIndicium(),
    requestMac: new Uint8Array(randomBytes(32)),
    ascendingRegisterMills: 5730,
    descendingRegisterMills: 494_270,
  };
}

const printRequest = (overrides: Partial<PageCallRequest<'print'>> = {}): PageCallRequest<'print'> => ({
  meterId: METER_ID,
  userId: 'ada',
  transaction: {
    kind: 'postage',
    postageMills: 730,
    mailingDate: '2026-11-26',
    rateCategory: 'FCLT',
    originZip: '10001-1234',
    destinationZip: '94507',
  },
  medium: 'envelope-10',
  printerId: 'folder:qa',
  sender: ['Ada Lovelace', '12 Main St', 'Boston, MA 02139'],
  recipient: ['Grace Hopper', '1 Navy Yard Rd', 'Arlington VA 22202'],
  ...overrides,
});

let deps: CallDependencies;
let vault: Scripted;
let table: PageCallTable;
const stages: string[] = [];

async function call<T extends PageCallType>(type: T, payload: PageCallRequest<T>) {
  return dispatchPageCall(table, deps, type, payload, {
    origin: 'https://meter.example',
    requestId: 'req-00000001',
    progress: (s) => stages.push(s),
  });
}

async function expectCode(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  expect((error as IndiciumError).code).toBe(code);
  if (field !== undefined) expect((error as IndiciumError).field).toBe(field);
}

beforeEach(async () => {
  count += 1;
  const dataDir = join(root, `data-${count}`);
  await mkdir(dataDir, { mode: 0o700 });
  const paths = companionPaths(dataDir);
  const config: CompanionConfig = {
    ...emptyConfig(),
    printFolders: { qa: qaDir, gone: join(root, 'missing') },
    // register and print exist only with a pinned vault; the scripted client never reads it.
    vault: { url: 'https://vault.example', caPem: 'unused by the scripted client', tlsCaPem: null },
  };
  vault = scriptedVault();
  deps = createCallDependencies(paths, config, vault);
  const store = new SecretStore({
    file: paths.secrets,
    idleTimeoutMs: 60_000,
    scrypt: { N: 2 ** 14, r: 8, p: 1 },
  });
  await store.create(PASSPHRASE, {
    meterId: METER_ID,
    userId: 'ada',
    customerId: 'cust-1',
    hmk: new Uint8Array(randomBytes(32)),
    moduleChallenge: null,
    ascendingRegisterMills: 0,
    descendingRegisterMills: 500_000,
    registeredAt: '2026-11-26T17:00:00.000Z',
  });
  table = buildPageCallTable(deps);
  stages.length = 0;
});

describe('print through the page-call table (DESIGN §4.3, §7)', { timeout: 30_000 }, () => {
  it('needs the session unlocked, and asks the vault nothing before', async () => {
    await expectCode(call('print', printRequest()), 'COMPANION_LOCKED');
    expect(vault.calls).toBe(0);
  });

  it('checks the addresses before the vault is asked: a typo costs no postage', async () => {
    await call('unlock', { passphrase: PASSPHRASE });
    await expectCode(
      call('print', printRequest({ recipient: ['Grace Hopper', 'Arlington VA'] })),
      'INVALID_INPUT',
      'recipient',
    );
    await expectCode(
      call('print', printRequest({ sender: ['Ada', '12 Main St', 'Boston ma 02139'] })),
      'INVALID_INPUT',
      'sender',
    );
    expect(vault.calls).toBe(0);
  });

  it('journals, renders and prints the verified indicium, with progress, then refuses to print it again', async () => {
    await call('unlock', { passphrase: PASSPHRASE });
    const answer = issued();
    vault.next = answer;
    const result = await call('print', printRequest());
    expect(stages).toEqual(['issuing', 'rendering', 'printing']);
    expect(result).toMatchObject({
      printed: true,
      ascendingRegisterMills: 5730,
      descendingRegisterMills: 494_270,
      indicium: { status: 'printed', postageMills: 730, meterId: METER_ID },
    });
    expect(Buffer.from(result.indiciumBytes, 'base64').equals(Buffer.from(answer.indicium))).toBe(true);
    expect(await readdir(qaDir)).toContain(`indicium-${result.indicium.indiciumId}.pdf`);
    // The vault answers a retried request with the stored indicium: it is not printed twice.
    await expectCode(call('print', printRequest()), 'ALREADY_PRINTED', 'indiciumId');
  });

  it('a printer problem after issue answers printed: false; the indicium stays journaled for its reprint', async () => {
    await call('unlock', { passphrase: PASSPHRASE });
    vault.next = issued();
    const result = await call('print', printRequest({ printerId: 'folder:gone' }));
    expect(result.printed).toBe(false);
    expect(result.indicium.status).toBe('issued');
    const history = await call('history', { meterId: METER_ID, limit: 10 });
    expect(history.items.map((i) => i.indiciumId)).toEqual([result.indicium.indiciumId]);
    const reprint = await call('reprint', {
      indiciumId: result.indicium.indiciumId,
      medium: 'letter',
      printerId: 'folder:qa',
    });
    expect(reprint).toMatchObject({ printed: true, indicium: { status: 'printed' } });
  });

  it('a vault refusal journals nothing', async () => {
    await call('unlock', { passphrase: PASSPHRASE });
    vault.next = new IndiciumError('INDICIUM_MISMATCH');
    await expectCode(call('print', printRequest()), 'INDICIUM_MISMATCH');
    expect((await call('history', { meterId: METER_ID, limit: 10 })).items).toEqual([]);
  });
});

describe('users through the page-call table (DESIGN §3.3)', () => {
  const listUsers: PageCallRequest<'users'> = {
    meterId: METER_ID,
    userId: 'ada',
    action: 'list',
    targetUserId: null,
    role: null,
    privileges: [],
    maximumTotalMills: null,
    expiresAt: null,
    reregister: false,
  };

  it("needs the session unlocked: the administrator's HMK signs the change; the vault is asked nothing before", async () => {
    await expectCode(call('users', listUsers), 'COMPANION_LOCKED');
    expect(vault.calls).toBe(0);
    await call('unlock', { passphrase: PASSPHRASE });
    expect(await call('users', listUsers)).toEqual({ meterId: METER_ID, users: [] });
    expect(vault.calls).toBe(1);
  });
});

describe('dispatchPageCall', () => {
  it('without a vault client, print and register are refused: CA_NOT_PINNED, or VAULT_UNAVAILABLE once a vault is pinned', async () => {
    const bare = buildPageCallTable({ ...deps, vault: undefined });
    const context = { origin: 'https://meter.example', requestId: 'req-00000001', progress: () => undefined };
    expect(bare.print).toBeUndefined();
    const unpinned = { config: { ...deps.config, vault: null } };
    await expectCode(dispatchPageCall(bare, unpinned, 'print', printRequest(), context), 'CA_NOT_PINNED');
    // A client but no pinned vault: the table leaves the vault calls out, so still CA_NOT_PINNED.
    const clientNoVault = buildPageCallTable({ ...deps, config: unpinned.config });
    expect(clientNoVault.print).toBeUndefined();
    await expectCode(
      dispatchPageCall(clientNoVault, unpinned, 'register', {} as never, context),
      'CA_NOT_PINNED',
    );
    const pinned = {
      config: { ...deps.config, vault: { url: 'https://vault.example', caPem: 'x', tlsCaPem: null } },
    };
    await expectCode(dispatchPageCall(bare, pinned, 'print', printRequest(), context), 'VAULT_UNAVAILABLE');
  });

  it('an answer outside its schema never leaves: INTERNAL_ERROR', async () => {
    const broken: PageCallTable = { lock: async () => ({ locked: false }) as never };
    await expectCode(
      dispatchPageCall(
        broken,
        deps,
        'lock',
        {},
        { origin: 'x', requestId: 'req-00000001', progress: () => undefined },
      ),
      'INTERNAL_ERROR',
    );
  });

  it('status reports the vault through the client when there is one', async () => {
    const unpinned = buildPageCallTable({ ...deps, config: { ...deps.config, vault: null } });
    const context = { origin: 'x', requestId: 'req-00000001', progress: () => undefined };
    expect(await dispatchPageCall(unpinned, deps, 'status', {}, context)).toMatchObject({
      locked: true,
      vault: 'not-configured',
      registrations: [{ meterId: METER_ID, userId: 'ada' }],
    });
    const withVault = buildPageCallTable({
      ...deps,
      config: { ...deps.config, vault: { url: 'https://vault.example', caPem: 'x', tlsCaPem: null } },
    });
    const status = await dispatchPageCall(
      withVault,
      deps,
      'status',
      {},
      { origin: 'x', requestId: 'req-00000001', progress: () => undefined },
    );
    expect(status.vault).toBe('reachable');
  });
});
