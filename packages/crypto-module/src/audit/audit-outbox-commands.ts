import { AUDIT_HASH_BYTES, base64Bytes } from '@indicium/protocol';
import { z } from 'zod';
import { ALL_STATES, defineCommand, stay } from '../commands/command-spec.js';
import { acknowledgeThrough } from './audit-outbox.js';

/**
 * Read Audit Outbox (DESIGN §3.5, `audit-outbox.ts`): the entries the host has not acknowledged.
 * No role and no authentication, like Get Status: every entry already left the module in the
 * answer of the command that made it (entries never hold secrets), and its integrity rests on the
 * hash chain and the audit signatures, not on who fetched it. Allowed after a failed self-test:
 * it reads NVM and uses no cryptography, and those entries are the record of what happened.
 */
export const readAuditOutbox = defineCommand({
  name: 'read-audit-outbox',
  summary: 'The audit entries not yet acknowledged by the host, oldest first, and the chain head.',
  design: 'DESIGN §3.5',
  states: ALL_STATES,
  role: 'none',
  auth: 'none',
  audit: 'none',
  afterSelfTestFailure: true,
  next: stay,
  request: z.object({}).strict(),
  handler: (ctx) => {
    const audit = ctx.nvm.get('audit');
    return {
      result: { entries: audit.outbox, nextSequence: audit.nextSequence, headHash: audit.headHash },
    };
  },
});

/**
 * Acknowledge Audit (DESIGN §3.5, `audit-outbox.ts`): the host stored every entry through
 * `through` durably; the module drops them from its outbox. No role: an ack can only drop entries
 * the host already received, never make or change one, and a host that acks without storing is
 * the host that could drop the entries from the answers anyway — the chain shows the hole either
 * way. The ack must name the entry's hash, so a host confused about what it stored (another
 * module's chain, an older database) cannot drop entries it never saw. Makes no audit entry: one
 * would land in the outbox it drains, which could then never empty.
 */
export const acknowledgeAudit = defineCommand({
  name: 'acknowledge-audit',
  summary: 'Drops the outbox entries through a sequence number the host stored, named by its hash.',
  design: 'DESIGN §3.5',
  states: ALL_STATES,
  role: 'none',
  auth: 'none',
  audit: 'none',
  next: stay,
  request: z
    .object({
      through: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      hash: base64Bytes({ exact: AUDIT_HASH_BYTES }),
    })
    .strict(),
  handler: (ctx, body) => {
    const { section, dropped } = acknowledgeThrough(ctx.nvm.get('audit'), body.through, body.hash);
    if (dropped > 0) ctx.nvm.set('audit', section);
    return { result: { dropped, pending: section.outbox.length } };
  },
});
