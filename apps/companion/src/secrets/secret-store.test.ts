import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureDataDir } from '../config/companion-config.js';
import type { MeterUserSecrets } from './meter-user-secrets.js';
import { SecretStore } from './secret-store.js';
import { DEFAULT_SCRYPT, deriveSecretsKey, type ScryptParams, wipeKey } from './secrets-file.js';

// The smallest parameters the reader accepts keep the suite fast; one test uses the defaults.
const FAST: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery staple';

let root: string;
let dataDir: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-secrets-'));
  dataDir = join(root, 'data');
  await ensureDataDir(dataDir);
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

function record(overrides: Partial<MeterUserSecrets> = {}): MeterUserSecrets {
  return {
    meterId: '00042-00001-0000001001',
    userId: 'ada',
    customerId: 'cust-1',
    hmk: new Uint8Array(randomBytes(32)),
    moduleChallenge: null,
    ascendingRegisterMills: 0,
    descendingRegisterMills: 500_000,
    registeredAt: '2026-11-26T17:00:00.000Z',
    ...overrides,
  };
}

async function freshStore(
  idleTimeoutMs = 60_000,
): Promise<{ store: SecretStore; file: string; first: MeterUserSecrets }> {
  count += 1;
  const file = join(dataDir, `secrets-${count}.json`);
  const store = new SecretStore({ file, idleTimeoutMs, scrypt: FAST });
  const first = record();
  await store.create(PASSPHRASE, first);
  return { store, file, first };
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string, field?: string) {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(IndiciumError);
  expect((caught as IndiciumError).code).toBe(code);
  if (field !== undefined) expect((caught as IndiciumError).field).toBe(field);
}

describe('SecretStore (DESIGN §4.2 step 4)', { timeout: 20_000 }, () => {
  it('seals the HMK owner-only in an owner-only directory, and never writes it in clear', async () => {
    const { file, first } = await freshStore();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(Buffer.from(first.hmk).toString('base64'));
    expect(text).not.toContain(Buffer.from(first.hmk).toString('hex'));
    expect(JSON.parse(text).kdf).toMatchObject({ name: 'scrypt', N: FAST.N, r: 8, p: 1 });
  });

  it('unlocks with the passphrase in a new session and gives back the same record', async () => {
    const { file, first } = await freshStore();
    const session = new SecretStore({ file, idleTimeoutMs: 60_000 });
    expect(session.locked).toBe(true);
    await session.unlock(PASSPHRASE);
    expect(session.locked).toBe(false);
    expect(session.meterUser(first.meterId, first.userId)).toEqual(first);
  });

  it('lists registrations while locked, without opening anything', async () => {
    const { file } = await freshStore();
    const session = new SecretStore({ file, idleTimeoutMs: 60_000 });
    expect(await session.registrations()).toEqual([{ meterId: '00042-00001-0000001001', userId: 'ada' }]);
    expect(session.locked).toBe(true);
    expect(
      await new SecretStore({ file: join(dataDir, 'none.json'), idleTimeoutMs: 1000 }).registrations(),
    ).toEqual([]);
  });

  it('refuses a wrong passphrase with PASSPHRASE_WRONG and stays locked', async () => {
    const { file } = await freshStore();
    const session = new SecretStore({ file, idleTimeoutMs: 60_000 });
    await expectCode(session.unlock('correct horse battery stapler'), 'PASSPHRASE_WRONG', 'passphrase');
    expect(session.locked).toBe(true);
    await expectCode(() => session.meterUser('00042-00001-0000001001', 'ada'), 'COMPANION_LOCKED');
  });

  it('is NOT_REGISTERED when there is no file, and refuses to create over an existing one', async () => {
    await expectCode(
      new SecretStore({ file: join(dataDir, 'absent.json'), idleTimeoutMs: 1000 }).unlock(PASSPHRASE),
      'NOT_REGISTERED',
    );
    const { store } = await freshStore();
    await expectCode(store.create(PASSPHRASE, record()), 'INVALID_INPUT', 'secrets');
  });

  it('names an unknown meter user NOT_REGISTERED', async () => {
    const { store } = await freshStore();
    await expectCode(() => store.meterUser('00042-00001-0000001001', 'grace'), 'NOT_REGISTERED');
  });

  it('keeps several meter users, and updates one (new Cm, registers) durably', async () => {
    const { store, file, first } = await freshStore();
    const second = record({ userId: 'grace' });
    await store.putMeterUser(second);
    const updated = {
      ...first,
      moduleChallenge: new Uint8Array(randomBytes(32)),
      ascendingRegisterMills: 730,
      descendingRegisterMills: 499_270,
    };
    await store.putMeterUser(updated);
    const session = new SecretStore({ file, idleTimeoutMs: 60_000 });
    await session.unlock(PASSPHRASE);
    expect(session.meterUser(first.meterId, 'ada')).toEqual(updated);
    expect(session.meterUser(first.meterId, 'grace')).toEqual(second);
    expect(await session.registrations()).toHaveLength(2);
  });

  it('hands out copies: changing one changes nothing in the store', async () => {
    const { store, first } = await freshStore();
    const copy = store.meterUser(first.meterId, first.userId);
    copy.hmk.fill(0);
    expect(store.meterUser(first.meterId, first.userId).hmk).toEqual(first.hmk);
  });

  it('lock() forgets everything', async () => {
    const { store, first } = await freshStore();
    store.lock();
    expect(store.locked).toBe(true);
    await expectCode(() => store.meterUser(first.meterId, first.userId), 'COMPANION_LOCKED');
    await expectCode(store.putMeterUser(first), 'COMPANION_LOCKED');
  });

  it('wipeKey zeroes the derived keys', async () => {
    const key = await deriveSecretsKey(PASSPHRASE, FAST);
    expect(key.encryptionKey.some((b) => b !== 0)).toBe(true);
    wipeKey(key);
    expect(key.encryptionKey.every((b) => b === 0)).toBe(true);
    expect(key.checkKey.every((b) => b === 0)).toBe(true);
  });

  it('locks itself after the idle time-out, and each use restarts the clock', async () => {
    const { file, first } = await freshStore();
    const session = new SecretStore({ file, idleTimeoutMs: 10_000 });
    await session.unlock(PASSPHRASE);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    session.meterUser(first.meterId, first.userId); // arms the timer under fake time
    vi.advanceTimersByTime(9_000);
    session.meterUser(first.meterId, first.userId);
    vi.advanceTimersByTime(9_000);
    expect(session.locked).toBe(false);
    vi.advanceTimersByTime(1_001);
    expect(session.locked).toBe(true);
    await expectCode(() => session.meterUser(first.meterId, first.userId), 'COMPANION_LOCKED');
  });

  it('uses N = 2^17, r = 8, p = 1 by default, and those files open too', { timeout: 20_000 }, async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    const file = join(dataDir, 'default-params.json');
    const store = new SecretStore({ file, idleTimeoutMs: 60_000 });
    const first = record();
    await store.create(PASSPHRASE, first);
    expect(JSON.parse(await readFile(file, 'utf8')).kdf.N).toBe(131072);
    const session = new SecretStore({ file, idleTimeoutMs: 60_000 });
    await session.unlock(PASSPHRASE);
    expect(session.meterUser(first.meterId, first.userId)).toEqual(first);
  });
});

describe('a tampered secrets file is refused (LOCAL_STORE_CORRUPT)', { timeout: 20_000 }, () => {
  async function tampered(edit: (json: Record<string, unknown>) => void): Promise<SecretStore> {
    const { file } = await freshStore();
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    edit(json);
    await writeFile(file, JSON.stringify(json), { mode: 0o600 });
    return new SecretStore({ file, idleTimeoutMs: 60_000 });
  }
  const flipFirstByte = (b64: unknown) => {
    const bytes = Buffer.from(b64 as string, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    return bytes.toString('base64');
  };

  it('one ciphertext bit', async () => {
    const store = await tampered((j) => {
      j.ciphertext = flipFirstByte(j.ciphertext);
    });
    await expectCode(store.unlock(PASSPHRASE), 'LOCAL_STORE_CORRUPT', 'secrets');
  });

  it('the tag or the IV', async () => {
    await expectCode(
      (
        await tampered((j) => {
          j.tag = flipFirstByte(j.tag);
        })
      ).unlock(PASSPHRASE),
      'LOCAL_STORE_CORRUPT',
    );
    await expectCode(
      (
        await tampered((j) => {
          j.iv = flipFirstByte(j.iv);
        })
      ).unlock(PASSPHRASE),
      'LOCAL_STORE_CORRUPT',
    );
  });

  it('the cleartext registration list (bound as associated data)', async () => {
    const store = await tampered((j) => {
      j.registrations = [{ meterId: '00042-00001-0000001001', userId: 'mallory' }];
    });
    await expectCode(store.unlock(PASSPHRASE), 'LOCAL_STORE_CORRUPT', 'secrets');
  });

  it('a downgrade of the scrypt cost below 2^14, or a cost that is not a power of two', async () => {
    await expectCode(
      (
        await tampered((j) => {
          (j.kdf as { N: number }).N = 2 ** 10;
        })
      ).unlock(PASSPHRASE),
      'LOCAL_STORE_CORRUPT',
      'secrets.kdf.N',
    );
    await expectCode(
      (
        await tampered((j) => {
          (j.kdf as { N: number }).N = 20000;
        })
      ).unlock(PASSPHRASE),
      'LOCAL_STORE_CORRUPT',
      'secrets.kdf.N',
    );
  });

  it('a changed salt reads as a wrong passphrase: the keys no longer match the check', async () => {
    const store = await tampered((j) => {
      (j.kdf as { salt: string }).salt = randomBytes(32).toString('base64');
    });
    await expectCode(store.unlock(PASSPHRASE), 'PASSPHRASE_WRONG');
  });

  it('text that is not a secrets file', async () => {
    const { file } = await freshStore();
    await writeFile(file, 'not json', { mode: 0o600 });
    await expectCode(
      new SecretStore({ file, idleTimeoutMs: 1000 }).unlock(PASSPHRASE),
      'LOCAL_STORE_CORRUPT',
      'secrets',
    );
    await writeFile(file, JSON.stringify({ format: 'other' }), { mode: 0o600 });
    await expectCode(new SecretStore({ file, idleTimeoutMs: 1000 }).registrations(), 'LOCAL_STORE_CORRUPT');
  });

  it('a file others can read', async () => {
    const { file } = await freshStore();
    await chmod(file, 0o644);
    await expectCode(
      new SecretStore({ file, idleTimeoutMs: 1000 }).unlock(PASSPHRASE),
      'LOCAL_STORE_CORRUPT',
      'secrets',
    );
  });
});
