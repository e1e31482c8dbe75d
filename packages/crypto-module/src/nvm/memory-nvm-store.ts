import { imageJson } from './image-json.js';
import type { NvmImage } from './nvm-image.js';
import { checkImage } from './nvm-seal.js';
import type { NvmStore } from './nvm-store.js';

/**
 * An NVM in memory, for tests and for throw-away modules. It keeps the JSON text, not the object,
 * so every save/load round-trips through the same serialisation as the file store (a value that is
 * not JSON-safe fails here too) and a loaded image never aliases a saved one. Reusing one instance
 * across `CryptoModule.boot` calls is a reboot.
 */
export class MemoryNvmStore implements NvmStore {
  #text: string | null = null;
  /** How many durable writes happened: lets tests prove a refusal wrote nothing. */
  writes = 0;

  async load(): Promise<NvmImage | null> {
    return this.#text === null ? null : checkImage(JSON.parse(this.#text));
  }

  async save(image: NvmImage): Promise<void> {
    this.#text = imageJson(image);
    this.writes++;
  }

  async erase(): Promise<void> {
    this.#text = null;
    this.writes++;
  }

  /** The stored text, for tests that inspect what is persisted. */
  get text(): string | null {
    return this.#text;
  }
}
