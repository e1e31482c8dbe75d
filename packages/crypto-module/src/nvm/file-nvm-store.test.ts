import { spawn } from 'node:child_process';
import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoModule } from '../module/crypto-module.js';
import {
  bootHarness,
  expectOk,
  logon,
  MODULE_SERIAL,
  OFFICERS,
  officerClient,
  operationalHarness,
  START_TIME,
  status,
} from '../testing/module-harness.js';
import { FileNvmStore } from './file-nvm-store.js';
import { emptyNvmImage, type NvmImage } from './nvm-image.js';
import { sealNvm } from './nvm-seal.js';
import { looksLikeSlot } from './nvm-slot.js';

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

const slotA = (name: string) => join(folder, name);
const slotB = (name: string) => join(folder, `${name}.b`);

/** An image told apart by its boot count: write number `n` of a test. */
function image(n: number): NvmImage {
  return { ...emptyNvmImage(), persistentState: 'O', bootCount: n };
}

/** The sealed record's own length inside a (padded) slot: header 20 + nonce 12 + body + tag 16. */
function recordLength(slot: Buffer): number {
  return 48 + slot.readUInt32BE(16);
}

function flip(bytes: Buffer, at: number): Buffer {
  const out = Buffer.from(bytes);
  out[at] = (out[at] ?? 0) ^ 0x01;
  return out;
}

async function bootStatus(nvm: FileNvmStore): Promise<Record<string, unknown>> {
  const module = await CryptoModule.boot({ nvm, clock: () => START_TIME, moduleSerial: MODULE_SERIAL });
  return expectOk(await module.dispatch({ command: 'get-status' })) as Record<string, unknown>;
}

/** Saves writes 1..n through a fresh store; returns the slot files' bytes after each write. */
async function writes(name: string, n: number): Promise<{ a: Buffer; b: Buffer | null }[]> {
  const nvm = store(name);
  const after: { a: Buffer; b: Buffer | null }[] = [];
  for (let i = 1; i <= n; i++) {
    await nvm.save(image(i));
    after.push({ a: await readFile(slotA(name)), b: await readFile(slotB(name)).catch(() => null) });
  }
  return after;
}

describe('FileNvmStore (DESIGN §3: NVM encrypted under a local storage key, two slots written in turn)', () => {
  it('keeps a module across reboots, as two 0600 slot files and nothing else', async () => {
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
    for (const path of [slotA('module.nvm'), slotB('module.nvm')]) {
      const { mode, size } = await stat(path);
      expect(mode & 0o777).toBe(0o600);
      expect(size % 4096).toBe(0);
      const text = (await readFile(path)).toString('latin1');
      expect(text).not.toContain('security-officer');
      expect(text).not.toContain(key.slice(0, 40));
    }
    expect((await readdir(folder)).filter((f) => f.includes('module.nvm')).sort()).toEqual([
      'module.nvm',
      'module.nvm.b',
    ]);
  });

  it('writes each save into the other slot, in place, leaving the slot it supersedes untouched', async () => {
    const after = await writes('turns.nvm', 4);
    expect(after[0]?.b).toBeNull(); // write 1 → A
    expect(after[1]?.a).toEqual(after[0]?.a); // write 2 → B, A untouched
    expect(after[2]?.b).toEqual(after[1]?.b); // write 3 → A, B untouched
    expect(after[3]?.a).toEqual(after[2]?.a); // write 4 → B, A untouched
    expect(await store('turns.nvm').load()).toEqual(image(4));
  });

  it('refuses a storage key of the wrong size', () => {
    expect(() => store('x.nvm', randomBytes(16))).toThrowError(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'storageKey' }),
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

  it('every flipped byte and every cut of the only slot, or of both slots, boots into Error (NVM_CORRUPT)', async () => {
    const h = await bootHarness({ nvm: store('flip.nvm') });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    const a = await readFile(slotA('flip.nvm'));
    const b = await readFile(slotB('flip.nvm'));
    const nvm = store('flip.nvm');
    const codes = new Set<unknown>();
    // Slot B alone (A removed): every byte of its record.
    await rm(slotA('flip.nvm'));
    for (let i = 0; i < recordLength(b); i++) {
      await writeFile(slotB('flip.nvm'), flip(b, i));
      const s = await bootStatus(nvm);
      codes.add(`${s.currentState}/${s.errorCode}`);
    }
    // Both slots: every byte of A's record with a flipped byte in B's tag (the store's answer, which
    // the boot above turns into Error; booting once per byte twice over would only double the time).
    await writeFile(slotB('flip.nvm'), flip(b, recordLength(b) - 1));
    for (let i = 0; i < recordLength(a); i++) {
      await writeFile(slotA('flip.nvm'), flip(a, i));
      codes.add(
        await nvm.load().then(
          () => 'loaded',
          (error: { code?: string }) => `E/${error.code}`,
        ),
      );
    }
    for (const length of [
      0,
      1,
      7,
      8,
      20,
      36,
      48,
      recordLength(a) >> 1,
      recordLength(a) - 17,
      recordLength(a) - 1,
    ]) {
      await writeFile(slotA('flip.nvm'), a.subarray(0, length));
      const s = await bootStatus(nvm);
      codes.add(`${s.currentState}/${s.errorCode}`);
    }
    expect([...codes]).toEqual(['E/NVM_CORRUPT']);
    // The untouched files still boot (persistent Initializing → fatal Error by the boot rules, not corruption).
    await writeFile(slotA('flip.nvm'), a);
    await writeFile(slotB('flip.nvm'), b);
    expect(await bootStatus(nvm)).toMatchObject({ currentState: 'E', errorCode: 'MODULE_ERROR_STATE' });
  }, 120_000);

  it('a slot copied over the other (two slots, one counter) is NVM_CORRUPT', async () => {
    const [, second] = await writes('copy.nvm', 2);
    await writeFile(slotA('copy.nvm'), second?.b as Buffer);
    await expect(store('copy.nvm').load()).rejects.toMatchObject({ code: 'NVM_CORRUPT' });
  });

  it('a corrupt NVM is never overwritten; Reset erases both slots and the module is Uninitialized', async () => {
    const h = await bootHarness({ nvm: store('reset.nvm') });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    const bad = {
      a: flip(await readFile(slotA('reset.nvm')), 30),
      b: flip(await readFile(slotB('reset.nvm')), 30),
    };
    await writeFile(slotA('reset.nvm'), bad.a);
    await writeFile(slotB('reset.nvm'), bad.b);
    const broken = await bootHarness({ nvm: store('reset.nvm') });
    expect(await status(broken)).toMatchObject({ currentState: 'E', errorCode: 'NVM_CORRUPT' });
    expect(await readFile(slotA('reset.nvm'))).toEqual(bad.a);
    expect(await readFile(slotB('reset.nvm'))).toEqual(bad.b);
    expect(await broken.dispatch({ command: 'create-audit-entry', body: {} })).toMatchObject({
      ok: false,
      error: { code: 'MODULE_ERROR_STATE' },
    });
    // A store used on its own refuses to write over an NVM that does not open.
    await expect(store('reset.nvm').save(image(9))).rejects.toMatchObject({ code: 'NVM_CORRUPT' });
    expectOk(await broken.dispatch({ command: 'reset' }));
    await expect(stat(slotA('reset.nvm'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(slotB('reset.nvm'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await status(broken)).toMatchObject({ currentState: 'U', persistentState: 'U', errorCode: null });
  });
});

describe('FileNvmStore crashes and the fallback rule (README "NVM")', () => {
  it('a save torn at any point leaves the previous write, and a finished one the new write', async () => {
    const after = await writes('torn.nvm', 3);
    // Write 3 went to A over write 1; B holds write 2. Rebuild A as a crash would leave it: the new
    // record's first k bytes over the old slot (sector by sector, or any byte), or the file cut.
    const old = after[0]?.a as Buffer;
    const next = after[2]?.a as Buffer;
    const b = after[1]?.b as Buffer;
    const length = recordLength(next);
    const cuts = [0, 1, 19, 20, 32, length >> 1, length - 16, length - 1];
    for (const k of cuts) {
      const torn = Buffer.concat([next.subarray(0, k), old.subarray(k)]);
      await writeFile(slotA('torn.nvm'), torn);
      await writeFile(slotB('torn.nvm'), b);
      expect(await store('torn.nvm').load()).toEqual(image(2));
      await writeFile(slotA('torn.nvm'), next.subarray(0, k));
      expect(await store('torn.nvm').load()).toEqual(image(2));
    }
    await writeFile(slotA('torn.nvm'), next);
    expect(await store('torn.nvm').load()).toEqual(image(3));
    // After a torn write the module writes the same number again, into the same slot.
    await writeFile(slotA('torn.nvm'), Buffer.concat([next.subarray(0, 100), old.subarray(100)]));
    const nvm = store('torn.nvm');
    expect(await nvm.load()).toEqual(image(2));
    await nvm.save(image(33));
    expect(await readFile(slotB('torn.nvm'))).toEqual(b);
    expect(await store('torn.nvm').load()).toEqual(image(33));
  });

  it('a damaged newest slot falls back exactly one write, never further; a damaged older slot changes nothing', async () => {
    const after = await writes('step.nvm', 3);
    const a = after[2]?.a as Buffer; // write 3
    const b = after[2]?.b as Buffer; // write 2
    const loaded = new Set<number>();
    for (let i = 0; i < recordLength(a); i++) {
      await writeFile(slotA('step.nvm'), flip(a, i));
      loaded.add(((await store('step.nvm').load()) as NvmImage).bootCount);
    }
    expect([...loaded]).toEqual([2]);
    await writeFile(slotA('step.nvm'), a);
    loaded.clear();
    for (let i = 0; i < recordLength(b); i++) {
      await writeFile(slotB('step.nvm'), flip(b, i));
      loaded.add(((await store('step.nvm').load()) as NvmImage).bootCount);
    }
    // The padding after a record is not part of it.
    await writeFile(slotB('step.nvm'), flip(b, b.length - 1));
    loaded.add(((await store('step.nvm').load()) as NvmImage).bootCount);
    expect([...loaded]).toEqual([3]);
  }, 60_000);

  it('a fallback is not silent: the module reuses the lost write’s audit sequence, a fork the log shows', async () => {
    const h = await operationalHarness({ nvm: store('fork.nvm') });
    expectOk(await h.dispatch({ command: 'create-audit-entry', body: {} }));
    const lost = h.audit.at(-1);
    // The entry of the last write left the module (the host stored it); then that slot is damaged.
    const counter = async (path: string) => (await readFile(path)).readBigUInt64BE(8);
    const newest =
      (await counter(slotA('fork.nvm'))) > (await counter(slotB('fork.nvm')))
        ? slotA('fork.nvm')
        : slotB('fork.nvm');
    await writeFile(newest, flip(await readFile(newest), 40));
    const again = await bootHarness({ nvm: store('fork.nvm'), audit: [] });
    expect(await status(again)).toMatchObject({ currentState: 'O' });
    expectOk(await again.dispatch({ command: 'create-audit-entry', body: {} }));
    const replacing = again.audit.find((e) => e.command === 'create-audit-entry');
    expect(lost?.command).toBe('create-audit-entry');
    expect(replacing?.sequence).toBe(lost?.sequence);
    expect(replacing?.previousHash).toBe(lost?.previousHash);
    expect(replacing).not.toEqual(lost);
  });
});

/** Runs the save-stream child until it reported `atLeast` saves, SIGKILLs it, returns the last one reported. */
function saveThenKill(path: string, atLeast: number): Promise<number> {
  const script = fileURLToPath(new URL('./save-stream.child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@indicium/source', '--import', 'tsx', script, path, storageKey.toString('hex')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buffered = '';
    let stderr = '';
    let last = -1;
    let reported = 0;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') continue;
        last = Number(line);
        reported += 1;
      }
      if (reported >= atLeast) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the child ended by itself: ${stderr}`));
      else resolve(last);
    });
  });
}

describe('FileNvmStore killed mid-save (a real process, SIGKILL)', () => {
  it('loads the last save reported or the one after it, every time, and the next process goes on from there', async () => {
    const path = slotA('killed.nvm');
    let previous = 0;
    for (let round = 0; round < 4; round++) {
      const atLeast = 40 + Math.floor(Math.random() * 60);
      const last = await saveThenKill(path, atLeast);
      expect(last).toBeGreaterThanOrEqual(previous + atLeast);
      const loaded = (await new FileNvmStore({ path, storageKey, moduleSerial: 'CRASH-MODULE' }).load())
        ?.bootCount;
      expect([last, last + 1]).toContain(loaded);
      previous = loaded ?? 0;
    }
  }, 60_000);
});

describe('FileNvmStore migration from the single-file format', () => {
  it('boots a single-file NVM, keeps it until slot B is synced, then overwrites it in place as slot A', async () => {
    const key = createSecretKey(storageKey);
    const legacy = { ...image(7), persistentState: 'U' as const };
    await writeFile(slotA('old.nvm'), sealNvm(legacy, key, MODULE_SERIAL), { mode: 0o600 });
    expect(await store('old.nvm').load()).toEqual(legacy);
    // First boot: the boot's own save (boot count 8) is write 1, into slot B; the old file stays.
    expect(await bootStatus(store('old.nvm'))).toMatchObject({ currentState: 'U', bootCount: 8 });
    expect(looksLikeSlot(await readFile(slotA('old.nvm')))).toBe(false);
    expect(looksLikeSlot(await readFile(slotB('old.nvm')))).toBe(true);
    // Second boot: write 2 replaces the old file, in place, as slot A.
    expect(await bootStatus(store('old.nvm'))).toMatchObject({ currentState: 'U', bootCount: 9 });
    expect(looksLikeSlot(await readFile(slotA('old.nvm')))).toBe(true);
    expect(await store('old.nvm').load()).toMatchObject({ bootCount: 9 });
  });

  it('a crash in the first write after the old format leaves the old file, which still boots', async () => {
    const key = createSecretKey(storageKey);
    const legacy = image(4);
    await writeFile(slotA('old2.nvm'), sealNvm(legacy, key, MODULE_SERIAL));
    const nvm = store('old2.nvm');
    await nvm.load();
    await nvm.save(image(5));
    const b = await readFile(slotB('old2.nvm'));
    await writeFile(slotB('old2.nvm'), b.subarray(0, 700));
    expect(await store('old2.nvm').load()).toEqual(legacy);
    // A damaged old file with no slot beside it is NVM_CORRUPT, as before.
    await rm(slotB('old2.nvm'));
    await writeFile(slotA('old2.nvm'), flip(await readFile(slotA('old2.nvm')), 12));
    await expect(store('old2.nvm').load()).rejects.toMatchObject({ code: 'NVM_CORRUPT' });
  });
});

describe('FileNvmStore failures', () => {
  it('a failed write puts the module in Error and leaves no stray file', async () => {
    const sub = join(folder, 'sub');
    await mkdir(sub);
    const path = join(sub, 'm.nvm');
    const nvm = new FileNvmStore({ path, storageKey, moduleSerial: MODULE_SERIAL });
    const h = await bootHarness({ nvm });
    expectOk(await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }));
    // Make both slots unwritable (even for root): each slot path is now a non-empty folder.
    for (const slot of [path, `${path}.b`]) {
      await rm(slot);
      await mkdir(join(slot, 'blocker'), { recursive: true });
    }
    const outcome = await h.dispatch({ command: 'create-audit-entry', body: {} });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'MODULE_ERROR_STATE' } });
    expect((await readdir(sub)).sort()).toEqual(['m.nvm', 'm.nvm.b']);
    expect(await status(h)).toMatchObject({ currentState: 'E', errorCode: 'MODULE_ERROR_STATE' });
  });

  it('an empty store loads as nothing, and erase of nothing is fine', async () => {
    const nvm = store('never-written.nvm');
    expect(await nvm.load()).toBeNull();
    await nvm.erase();
    expect(await nvm.load()).toBeNull();
  });
});
