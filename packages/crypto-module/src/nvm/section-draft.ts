import type { NvmDraft } from '../commands/handler-context.js';
import { emptyNvmSections, type NvmSectionName, type NvmSections } from './nvm-sections.js';

/** The copy-on-write NVM view one command works on (see `NvmDraft`). */
export class SectionDraft implements NvmDraft {
  #sections: NvmSections;
  #changed = false;
  #erased = false;

  constructor(sections: NvmSections) {
    this.#sections = sections;
  }

  get<K extends NvmSectionName>(name: K): NvmSections[K] {
    return this.#sections[name];
  }

  set<K extends NvmSectionName>(name: K, value: NvmSections[K]): void {
    this.#sections = { ...this.#sections, [name]: value };
    this.#changed = true;
  }

  eraseAll(): void {
    this.#sections = emptyNvmSections();
    this.#changed = true;
    this.#erased = true;
  }

  get sections(): NvmSections {
    return this.#sections;
  }

  get changed(): boolean {
    return this.#changed;
  }

  get erased(): boolean {
    return this.#erased;
  }
}
