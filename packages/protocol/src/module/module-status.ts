import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { AUDIT_HASH_BYTES } from './audit-entry.js';
import { base64Bytes } from './module-bytes.js';
import { ModuleStateSchema } from './module-state.js';
import { OfficerRoleSchema } from './officer-role.js';

/** Get Status request: an optional host nonce, echoed under the signature to prove freshness. */
export const GetStatusRequestSchema = z
  .object({ nonce: base64Bytes({ min: 0, max: 64 }).optional() })
  .strict();

/**
 * Get Status answer (DESIGN §3.3): signed by the module key, never secret data. `signature` and
 * `modulePublicKey` are null while the module has no module key (Uninitialized, or an NVM that
 * failed its integrity check). `auditHead`/`auditSequence` let the auditor detect a truncated log.
 */
export const ModuleStatusSchema = z
  .object({
    moduleSerial: z.string(),
    softwarePart: z.string(),
    softwareVersion: z.string(),
    currentState: ModuleStateSchema,
    persistentState: ModuleStateSchema,
    fatal: z.boolean(),
    errorCode: z.string().nullable(),
    time: z.number().int(),
    bootCount: z.number().int(),
    /** Sequence number the next audit entry will carry. */
    auditSequence: z.number().int(),
    /** SHA-256 of the last entry's canonical encoding (all zero before the first). */
    auditHead: base64Bytes({ exact: AUDIT_HASH_BYTES }),
    sessionOpen: z.boolean(),
    loggedOnRole: OfficerRoleSchema.nullable(),
    activeMksVersion: z.number().int().nullable(),
    nonce: base64Bytes({ max: 64 }),
    /** SPKI DER of the module's ECDSA P-256 module key. */
    modulePublicKey: base64Bytes({ max: 256 }).nullable(),
    signature: base64Bytes({ exact: 64 }).nullable(),
  })
  .strict();

export type ModuleStatus = z.infer<typeof ModuleStatusSchema>;

export const ModuleStatusLayout = canonicalLayout('indicium/module/status/v1', {
  moduleSerial: 'text',
  softwarePart: 'text',
  softwareVersion: 'text',
  currentState: 'text',
  persistentState: 'text',
  fatal: 'bool',
  errorCode: 'text?',
  time: 'uint',
  bootCount: 'uint',
  auditSequence: 'uint',
  auditHead: 'bytes',
  sessionOpen: 'bool',
  loggedOnRole: 'text?',
  activeMksVersion: 'uint?',
  nonce: 'bytes',
  modulePublicKey: 'bytes?',
});
