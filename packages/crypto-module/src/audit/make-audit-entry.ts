import { createHash, type KeyObject, sign } from 'node:crypto';
import { type AuditEntry, encodeAuditEntry, type ModuleState, type OfficerRole } from '@indicium/protocol';
import type { AuditRule } from '../commands/command-spec.js';
import type { AuditSection } from './audit-section.js';
import { fastAuditEntryBytes } from './fast-audit-entry.js';

/** The facts of one entry that come from the command that made it. */
export interface AuditFacts {
  readonly moduleSerial: string;
  readonly softwarePart: string;
  readonly softwareVersion: string;
  readonly bootCount: number;
  readonly command: string;
  readonly userId: string | null;
  readonly role: OfficerRole | null;
  readonly currentState: ModuleState;
  readonly persistentState: ModuleState;
  readonly time: number;
  readonly reasonCode: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * The signing rule of DESIGN §3.5: commands that affect the module, the first entry after a boot,
 * and at least every Nth entry (never N unsigned entries in a row, so a verifier can check it).
 */
export function signatureRequired(rule: AuditRule, section: AuditSection, firstAfterBoot: boolean): boolean {
  return rule === 'signed-entry' || firstAfterBoot || section.sinceSigned + 1 >= section.signEvery;
}

/** SHA-256 of an entry's canonical encoding: the next entry's `previousHash`. */
export function auditEntryHash(entry: Omit<AuditEntry, 'signature'>): Uint8Array {
  return createHash('sha256').update(encodeAuditEntry(entry)).digest();
}

/**
 * Makes the next entry of the chain and the new chain head, with the entry added to the outbox
 * (`audit-outbox.ts`). Pure apart from the signature; the caller writes the returned section to
 * NVM together with the command's own changes, so the entry is kept from the moment it counts.
 */
export function makeAuditEntry(
  section: AuditSection,
  facts: AuditFacts,
  required: boolean,
  auditKey: KeyObject,
): { entry: AuditEntry; section: AuditSection } {
  const body: Omit<AuditEntry, 'signature'> = {
    ...facts,
    data: { ...facts.data },
    sequence: section.nextSequence,
    previousHash: section.headHash,
    signatureRequired: required,
  };
  const encoded = fastAuditEntryBytes(body);
  const signature = required
    ? sign('sha256', encoded, { key: auditKey, dsaEncoding: 'ieee-p1363' }).toString('base64')
    : null;
  const entry: AuditEntry = { ...body, signature };
  const next: AuditSection = {
    ...section,
    nextSequence: section.nextSequence + 1,
    headHash: createHash('sha256').update(encoded).digest('base64'),
    sinceSigned: required ? 0 : section.sinceSigned + 1,
    // A copy: the caller's entry leaves the module, and NVM values are frozen once written.
    outbox: [...section.outbox, { ...entry, data: { ...entry.data } }],
  };
  return { entry, section: next };
}
