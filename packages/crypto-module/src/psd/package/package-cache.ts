import { LruMap } from './lru-map.js';
import type { MeterKeys } from './meter-keys.js';
import type { PsdPackage } from './psd-package.js';

/** A package this module verified or wrote, with its keys. */
export interface VerifiedPackage {
  readonly pkg: PsdPackage;
  readonly keys: MeterKeys;
}

/**
 * Packages by their exact base64 text (one the module wrote or verified under this MEK is the same
 * bytes, so the steady state neither decodes nor re-MACs the package it wrote last, DESIGN §4.3),
 * and only the newest text of each meter: every command makes a new version, and keeping the old
 * ones would fill the cache with one meter's history (and the heap with garbage for the collector).
 * An older version presented again is decoded and MAC-checked like any unknown text, then refused
 * by the command's own checks.
 */
export class PackageCache {
  readonly #byText: LruMap<string, VerifiedPackage>;
  readonly #textOfMeter: LruMap<string, string>;

  constructor(meters: number) {
    this.#byText = new LruMap(meters);
    this.#textOfMeter = new LruMap(meters);
  }

  get(text: string): VerifiedPackage | undefined {
    return this.#byText.get(text);
  }

  set(text: string, entry: VerifiedPackage): void {
    const previous = this.#textOfMeter.get(entry.pkg.meterId);
    if (previous !== undefined && previous !== text) this.#byText.delete(previous);
    this.#textOfMeter.set(entry.pkg.meterId, text);
    this.#byText.set(text, entry);
  }

  get size(): number {
    return this.#byText.size;
  }
}
