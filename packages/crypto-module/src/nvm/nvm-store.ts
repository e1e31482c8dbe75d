import type { NvmImage } from './nvm-image.js';

/**
 * Where a module keeps its NVM (DESIGN §3). Two implementations share this interface:
 * `FileNvmStore` (one encrypted, authenticated file written atomically) and `MemoryNvmStore`
 * (tests). `load()` returns null for an empty NVM and throws IndiciumError NVM_CORRUPT when the
 * stored image fails its integrity check; the module then boots into Error.
 */
export interface NvmStore {
  load(): Promise<NvmImage | null>;
  /** Durable when the promise resolves: a crash after it keeps `image`, a crash before keeps the old one. */
  save(image: NvmImage): Promise<void>;
  /** Zeroize: after it, `load()` returns null. */
  erase(): Promise<void>;
}
