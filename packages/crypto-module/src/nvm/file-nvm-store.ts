import { createSecretKey, type KeyObject } from 'node:crypto';
import { type FileHandle, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import type { NvmImage } from './nvm-image.js';
import { openNvm } from './nvm-seal.js';
import { looksLikeSlot, type OpenedSlot, openSlot, sealSlot } from './nvm-slot.js';
import type { NvmStore } from './nvm-store.js';

export interface FileNvmStoreOptions {
  /** The NVM file (slot A); slot B is the same path with `.b` appended. Its folder must exist. */
  readonly path: string;
  /** 32 bytes from the host's key file (mode 0600); see `nvm-slot.ts`. */
  readonly storageKey: Uint8Array;
  /** Bound into every slot's associated data. */
  readonly moduleSerial: string;
}

/** Slots are written padded to whole pages, so an image that grows a little does not change the file size. */
const SLOT_PAGE = 4096;

type SlotName = 'a' | 'b';

interface Current {
  readonly slot: SlotName;
  readonly counter: number;
}

/**
 * The software module's NVM (DESIGN §3): two slot files written in place by turns, each sealed by
 * `nvm-slot.ts` with a write counter. A save seals write N+1 into the slot that does not hold N and
 * syncs it with one `fdatasync` — no rename, no folder sync (except when it creates the file) — so
 * the slot holding N is untouched until N+1 is durable: a crash leaves N or N+1, never a mix.
 * Load takes the newest slot that authenticates. The rule for a newest slot that does not open is in
 * the package README ("NVM"): it is read as the torn write that followed the other slot, and the
 * module's checkpoint comparison (DESIGN §3.6) and audit chain catch the one case it cannot be.
 *
 * A single-file NVM of the earlier format (`nvm-seal.ts`) at `path` is write 0: the first save
 * writes slot B, and the second overwrites the old file in place as slot A.
 */
export class FileNvmStore implements NvmStore {
  readonly #paths: Readonly<Record<SlotName, string>>;
  readonly #key: KeyObject;
  readonly #serial: string;
  /** The slot holding the newest write; null for an empty NVM; undefined until the files were read. */
  #current: Current | null | undefined;

  constructor(options: FileNvmStoreOptions) {
    if (options.storageKey.length !== 32) {
      throw new IndiciumError('INVALID_FIELD', { field: 'storageKey', detail: 'must be 32 bytes' });
    }
    this.#paths = { a: options.path, b: `${options.path}.b` };
    this.#key = createSecretKey(Buffer.from(options.storageKey));
    this.#serial = options.moduleSerial;
  }

  async load(): Promise<NvmImage | null> {
    const [a, b] = await Promise.all([readOptional(this.#paths.a), readOptional(this.#paths.b)]);
    if (a === null && b === null) {
      this.#current = null;
      return null;
    }
    const opened: (OpenedSlot & { slot: SlotName })[] = [];
    let failure: unknown;
    for (const [slot, bytes] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (bytes === null) continue;
      try {
        opened.push({ slot, ...this.#open(slot, bytes) });
      } catch (error) {
        if (!(error instanceof IndiciumError) || error.code !== 'NVM_CORRUPT') throw error;
        failure ??= error;
      }
    }
    const [first, second] = opened;
    if (first === undefined) throw failure;
    if (second !== undefined && second.counter === first.counter) {
      // Two writes are never numbered alike: one slot was copied over the other.
      throw new IndiciumError('NVM_CORRUPT', { detail: 'both slots carry the same write counter' });
    }
    const newest = second !== undefined && second.counter > first.counter ? second : first;
    this.#current = { slot: newest.slot, counter: newest.counter };
    return newest.image;
  }

  async save(image: NvmImage): Promise<void> {
    // The module loads before it saves; a store used on its own finds its place first (and refuses
    // to write over an NVM that does not open).
    if (this.#current === undefined) await this.load();
    const current = this.#current ?? null;
    const slot: SlotName = current?.slot === 'a' ? 'b' : 'a';
    const counter = (current?.counter ?? 0) + 1;
    const record = sealSlot(image, counter, this.#key, this.#serial);
    const padded = Buffer.alloc(Math.ceil(record.length / SLOT_PAGE) * SLOT_PAGE);
    record.copy(padded);
    const { file, created } = await openForWrite(this.#paths[slot]);
    try {
      await file.write(padded, 0, padded.length, 0);
      // A new file needs its size and inode on disk; an overwrite within its size needs only data.
      if (created) await file.sync();
      else await file.datasync();
    } finally {
      await file.close();
    }
    if (created) await this.#syncFolder();
    this.#current = { slot, counter };
  }

  async erase(): Promise<void> {
    // The slots are ciphertext under the host's key; removing them (and the host rotating the key
    // file on Reset) is the software module's zeroization.
    await rm(this.#paths.a, { force: true });
    await rm(this.#paths.b, { force: true });
    await this.#syncFolder();
    this.#current = null;
  }

  #open(slot: SlotName, bytes: Buffer): OpenedSlot {
    if (slot === 'a' && !looksLikeSlot(bytes)) {
      // The single-file format before slots: write 0, superseded by any slot that opens.
      return { counter: 0, image: openNvm(bytes, this.#key, this.#serial) };
    }
    return openSlot(bytes, this.#key, this.#serial);
  }

  async #syncFolder(): Promise<void> {
    const folder = await open(dirname(this.#paths.a), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function openForWrite(path: string): Promise<{ file: FileHandle; created: boolean }> {
  try {
    return { file: await open(path, 'r+'), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { file: await open(path, 'wx', 0o600), created: true };
  }
}
