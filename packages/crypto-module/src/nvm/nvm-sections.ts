import type { AuditSection } from '../audit/audit-section.js';
import { emptyAuditSection } from '../audit/audit-section.js';
import { type CheckpointSection, emptyCheckpointSection } from '../checkpoints/checkpoint-section.js';
import {
  type CryptoCardSection,
  emptyCryptoCardSection,
  emptyMksSection,
  type MksSection,
} from '../mks/mks-section.js';
import { emptyModuleSection, type ModuleSection } from '../module/module-section.js';
import type { AccessSection } from '../officers/access-section.js';
import { emptyAccessSection } from '../officers/access-section.js';

/**
 * The NVM is a record of sections, one per domain, each owned by one folder (ARCHITECTURE.md,
 * "Adding an NVM section"). Every section is plain JSON-safe data (bytes as base64): the whole
 * record is serialised, encrypted and authenticated as one file (DESIGN §3, `nvm-seal.ts`).
 */
export interface NvmSections {
  readonly module: ModuleSection;
  readonly access: AccessSection;
  readonly audit: AuditSection;
  readonly mks: MksSection;
  readonly cryptoCard: CryptoCardSection;
  readonly checkpoints: CheckpointSection;
}

export type NvmSectionName = keyof NvmSections;

/** The sections of an Uninitialized module: what Reset leaves and Start Initialization starts from. */
export function emptyNvmSections(): NvmSections {
  return {
    module: emptyModuleSection(),
    access: emptyAccessSection(),
    audit: emptyAuditSection(),
    mks: emptyMksSection(),
    cryptoCard: emptyCryptoCardSection(),
    checkpoints: emptyCheckpointSection(),
  };
}
