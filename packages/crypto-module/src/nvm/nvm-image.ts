import type { ErrorCode, ModuleState } from '@indicium/protocol';
import { emptyNvmSections, type NvmSections } from './nvm-sections.js';

/** Bumped when the image's shape changes incompatibly; also bound into the NVM file's AAD. */
export const NVM_FORMAT_VERSION = 1;

/**
 * Everything the module keeps across a reboot (DESIGN §3.1): the persistent state, whether an Error
 * is fatal and why, the boot count and the domain sections. The *current* state is not here: it
 * lives in memory and is derived at boot by the rules of `boot-state.ts`.
 */
export interface NvmImage {
  readonly formatVersion: typeof NVM_FORMAT_VERSION;
  readonly persistentState: ModuleState;
  /** Why the persistent state is Error; null otherwise. */
  readonly errorCode: ErrorCode | null;
  /** Incremented at every boot; audit entries carry it so the first entry after a boot is known. */
  readonly bootCount: number;
  readonly sections: NvmSections;
}

export function emptyNvmImage(): NvmImage {
  return {
    formatVersion: NVM_FORMAT_VERSION,
    persistentState: 'U',
    errorCode: null,
    bootCount: 0,
    sections: emptyNvmSections(),
  };
}
