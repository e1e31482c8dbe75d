import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import type { NvmImage } from './nvm-image.js';
import { openNvm, sealNvm } from './nvm-seal.js';
import type { NvmStore } from './nvm-store.js';

export interface FileNvmStoreOptions {
  /** The NVM file. Its folder must exist and belong to the module's host process. */
  readonly path: string;
  /** 32 bytes from the host's key file (mode 0600); see `nvm-seal.ts`. */
  readonly storageKey: Uint8Array;
  /** Bound into the file's associated data. */
  readonly moduleSerial: string;
}

/**
 * The software module's NVM: one file, sealed by `nvm-seal.ts`, replaced atomically — write a
 * temporary file, fsync it, rename it over the old one, fsync the folder — so a crash leaves either
 * the old image or the new one, never a mix (DESIGN §3.1 relies on this for persistent state).
 */
export class FileNvmStore implements NvmStore {
  readonly #path: string;
  readonly #key: KeyObject;
  readonly #serial: string;

  constructor(options: FileNvmStoreOptions) {
    if (options.storageKey.length !== 32) {
      throw new IndiciumError('INVALID_FIELD', { field: 'storageKey', detail: 'must be 32 bytes' });
    }
    this.#path = options.path;
    this.#key = createSecretKey(Buffer.from(options.storageKey));
    this.#serial = options.moduleSerial;
  }

  async load(): Promise<NvmImage | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return openNvm(bytes, this.#key, this.#serial);
  }

  async save(image: NvmImage): Promise<void> {
    const sealed = sealNvm(image, this.#key, this.#serial);
    const temp = join(dirname(this.#path), `.${basename(this.#path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(sealed);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.#path);
    } catch (error) {
      // The old image is untouched; leave no half-written temporary file behind.
      await rm(temp, { force: true });
      throw error;
    }
    await this.#syncFolder();
  }

  async erase(): Promise<void> {
    // The file is ciphertext under the host's key; removing it (and the host rotating the key
    // file on Reset) is the software module's zeroization.
    await rm(this.#path, { force: true });
    await this.#syncFolder();
  }

  async #syncFolder(): Promise<void> {
    const folder = await open(dirname(this.#path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}
