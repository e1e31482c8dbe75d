import type { KeyObject } from 'node:crypto';
import type { KeyCache } from '../keys/key-cache.js';
import type { MksSection, StoredMks } from './mks-section.js';

/** An MKS unwrapped into cached `KeyObject`s (DESIGN §2: keep unwrapped keys cached). */
export interface MksKeys {
  readonly version: number;
  readonly mek: KeyObject;
  readonly mak: KeyObject;
  readonly exportable: boolean;
}

/** The MKS versions a module can use right now: the active one and every dormant one. */
export interface MksKeyring {
  readonly active: MksKeys | null;
  /** The active or a dormant MKS of that version; null once deleted or never held. */
  byVersion(version: number): MksKeys | null;
}

/**
 * Unwraps one stored MKS through the module's key cache, which Reset clears (zeroization) and which
 * can never disagree with the NVM: a different key has a different stored encoding.
 */
export function mksKeys(stored: StoredMks, cache: KeyCache): MksKeys {
  return {
    version: stored.version,
    mek: cache.secretKey(stored.mek),
    mak: cache.secretKey(stored.mak),
    exportable: stored.exportable,
  };
}

/**
 * The keyring of an MKS section: what key tokens and packages are sealed and opened with.
 *
 * @example
 * const keyring = mksKeyring(ctx.nvm.get('mks'), ctx.keys);
 * const token = sealToken(keyring, { type: 'crypto-card/registration-signing-key', ownerId: 'crypto-card', recordVersion: 1 }, der);
 */
export function mksKeyring(section: MksSection, cache: KeyCache): MksKeyring {
  const active = section.active === null ? null : mksKeys(section.active, cache);
  return Object.freeze({
    active,
    byVersion(version: number): MksKeys | null {
      if (section.active?.version === version) return active;
      const dormant = section.dormant.find((mks) => mks.version === version);
      return dormant === undefined ? null : mksKeys(dormant, cache);
    },
  });
}
