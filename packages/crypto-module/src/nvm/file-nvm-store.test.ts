import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoModule } from '../module/crypto-module.js';
import {
  bootHarness,
  expectOk,
  logon,
  MODULE_SERIAL,
  OFFICERS,
  officerClient,
  START_TIME,
  status,
} from '../testing/module-harness.js';
import { FileNvmStore } from './file-nvm-store.js';

let folder: string;
const storageKey = randomBytes(32);

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'indicium-nvm-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function store(name: string, key: Uint8Array = storageKey, serial = MODULE_SERIAL): FileNvmStore {
  return new FileNvmStore({ path: join(folder, name), storageKey: key, moduleSerial: serial });
}

async function bootStatus(nvm: FileNvmStore): Promise<Record<string, unknown>> {
  const module = await CryptoModule.boot({ nvm, clock: () => START_TIME, moduleSerial: MODULE_SERIAL });
  return expectOk(await module.dispatch({ command: 'get-status' })) as Record<string, unknown>;
}

describe('FileNvmStore (DESIGN §3: NVM encrypted under a local storage key, written atomically)', () => {
  it('keeps a module across reboots, as a 0600 file with no temporary files left', async () => {
    const h = await bootHarness({ nvm: store('module.nvm') });
    const key = (
      expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } })) as {
        modulePublicKey: string;
      }
    ).modulePublicKey;
    const client = officerClient(h, key);
    await client.openSession();
    await client.call('initialize-access-control', { accounts: Object.values(OFFICERS) });
    await logon(client, OFFICERS.so);
    await client.call('generate-mks', {});
    expect(await bootStatus(store('module.nvm'))).toMatchObject({
      currentState: 'O',
      persistentState: 'O',
      modulePublicKey: key,
      bootCount: 1,
    });
    expect((await stat(join(folder, 'module.nvm'))).mode & 0o777).toBe(0o600);
    expect((await readdir(folder)).filter((f) => f.includes('module.nvm'))).toEqual(['module.nvm']);
    const text = (await readFile(join(folder, 'module.nvm'))).toString('latin1');
    expect(text).not.toContain('security-officer');
    expect(text).not.toContain(key.slice(0, 40));
  });

  it('refuses a storage key of the wrong size', () => {
    expect(() => store('x.nvm', randomBytes(16))).toThrowError(
      expect.objectContaining({ field: 'storageKey' }),
    );
  });

  it('an NVM under another storage key or another module serial boots into Error (NVM_CORRUPT)', async () => {
    const h = await bootHarness({ nvm: store('bound.nvm') });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    for (const nvm of [store('bound.nvm', randomBytes(32)), store('bound.nvm', storageKey, 'OTHER-SERIAL')]) {
      expect(await bootStatus(nvm)).toMatchObject({
        currentState: 'E',
        persistentState: 'E',
        fatal: true,
        errorCode: 'NVM_CORRUPT',
        modulePublicKey: null,
        signature: null,
      });
    }
  });

  it('every flipped byte and every truncation of a real NVM file boots into Error (NVM_CORRUPT)', async () => {
    const h = await bootHarness({ nvm: store('flip.nvm') });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    const original = await readFile(join(folder, 'flip.nvm'));
    const nvm = store('flip.nvm');
    const codes = new Set<unknown>();
    for (let i = 0; i < original.length; i++) {
      const tampered = Buffer.from(original);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      await writeFile(join(folder, 'flip.nvm'), tampered);
      const s = await bootStatus(nvm);
      codes.add(`${s.currentState}/${s.errorCode}`);
    }
    for (const length of [
      0,
      1,
      7,
      8,
      20,
      36,
      original.length >> 1,
      original.length - 17,
      original.length - 1,
    ]) {
      await writeFile(join(folder, 'flip.nvm'), original.subarray(0, length));
      const s = await bootStatus(nvm);
      codes.add(`${s.currentState}/${s.errorCode}`);
    }
    expect([...codes]).toEqual(['E/NVM_CORRUPT']);
    // The untouched file still boots (persistent Initializing → fatal Error by the boot rules, not corruption).
    await writeFile(join(folder, 'flip.nvm'), original);
    expect(await bootStatus(nvm)).toMatchObject({ currentState: 'E', errorCode: 'MODULE_ERROR_STATE' });
  }, 120_000);

  it('a corrupt NVM is never overwritten; Reset erases it and the module is Uninitialized', async () => {
    const h = await bootHarness({ nvm: store('reset.nvm') });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    const path = join(folder, 'reset.nvm');
    const bad = await readFile(path);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    await writeFile(path, bad);
    const broken = await bootHarness({ nvm: store('reset.nvm') });
    expect(await status(broken)).toMatchObject({ currentState: 'E', errorCode: 'NVM_CORRUPT' });
    expect(await readFile(path)).toEqual(bad);
    expect(await broken.dispatch({ command: 'create-audit-entry', body: {} })).toMatchObject({
      ok: false,
      error: { code: 'MODULE_ERROR_STATE' },
    });
    expectOk(await broken.dispatch({ command: 'reset' }));
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await status(broken)).toMatchObject({ currentState: 'U', persistentState: 'U', errorCode: null });
  });
});

describe('FileNvmStore failures', () => {
  it('a failed write leaves no temporary file and puts the module in Error', async () => {
    const sub = join(folder, 'sub');
    await mkdir(sub);
    const path = join(sub, 'm.nvm');
    const nvm = new FileNvmStore({ path, storageKey, moduleSerial: MODULE_SERIAL });
    const h = await bootHarness({ nvm });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    // Make the final rename impossible (even for root): the NVM path is now a non-empty folder.
    await rm(path);
    await mkdir(join(path, 'blocker'), { recursive: true });
    const outcome = await h.dispatch({ command: 'create-audit-entry', body: {} });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'MODULE_ERROR_STATE' } });
    expect(await readdir(sub)).toEqual(['m.nvm']);
    expect(await status(h)).toMatchObject({ currentState: 'E', errorCode: 'MODULE_ERROR_STATE' });
  });

  it('an empty store loads as nothing, and erase of nothing is fine', async () => {
    const nvm = store('never-written.nvm');
    expect(await nvm.load()).toBeNull();
    await nvm.erase();
    expect(await nvm.load()).toBeNull();
  });
});
