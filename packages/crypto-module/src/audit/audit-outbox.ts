import { IndiciumError } from '@indicium/protocol';
import type { CommandSpec } from '../commands/command-spec.js';
import type { NvmSections } from '../nvm/nvm-sections.js';
import { AUDIT_OUTBOX_LIMIT, type AuditSection } from './audit-section.js';

/**
 * The audit outbox (DESIGN §3.5 "if an entry cannot be made whole"): a module keeps every entry
 * it makes until the host says it stored it. The host stores an entry in the same database commit
 * as the work it records, after the module answered; a host killed in between would otherwise
 * leave a hole in the chain. After a restart the host reads the outbox (`read-audit-outbox`),
 * stores what it lacks (storing an entry twice is a no-op) and acknowledges (`acknowledge-audit`).
 *
 * Refuses, before any work, a command that would make an entry while the outbox is full: the
 * entry could not be kept, and a refusal changes nothing. The drain commands make no entry, so
 * they always run.
 */
export function assertOutboxRoom(spec: CommandSpec, sections: NvmSections): void {
  if (spec.audit === 'none' || sections.module.auditPrivateKey === null) return;
  if (sections.audit.outbox.length < AUDIT_OUTBOX_LIMIT) return;
  throw new IndiciumError('AUDIT_OUTBOX_FULL', {
    detail: `${sections.audit.outbox.length} entries wait for acknowledge-audit; ${spec.name} would make one more`,
  });
}

/**
 * Drops the entries through sequence `through`, which the host names by its hash: the hash of an
 * outbox entry is the next entry's `previousHash`, or the chain head for the last one, so the
 * module checks it without keeping hashes. An ack below the outbox is one that already landed
 * (a retry after a lost answer): nothing to drop. An ack of an entry never made, or naming the
 * wrong hash (a host confused about which module or which chain it stored), is refused and drops
 * nothing.
 */
export function acknowledgeThrough(
  section: AuditSection,
  through: number,
  hash: string,
): { section: AuditSection; dropped: number } {
  if (through >= section.nextSequence) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'through',
      detail: `entry ${through} was never made (next is ${section.nextSequence})`,
    });
  }
  const first = section.outbox[0]?.sequence ?? section.nextSequence;
  if (through < first) return { section, dropped: 0 };
  const index = through - first;
  const expected = section.outbox[index + 1]?.previousHash ?? section.headHash;
  if (hash !== expected) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'hash',
      detail: `the hash named is not that of entry ${through}`,
    });
  }
  return { section: { ...section, outbox: section.outbox.slice(index + 1) }, dropped: index + 1 };
}
