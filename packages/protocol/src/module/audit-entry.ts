import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { base64Bytes, fromBase64 } from './module-bytes.js';
import { CommandNameSchema } from './module-envelope.js';
import { ModuleStateSchema } from './module-state.js';
import { OfficerRoleSchema } from './officer-role.js';

/** SHA-256: the audit hash chain (DESIGN §2). */
export const AUDIT_HASH_BYTES = 32;

/**
 * One audit entry (DESIGN §3.5). `previousHash` is SHA-256 of the previous entry's canonical
 * encoding (`AuditEntryLayout`, without the signature), all zero for the first entry after Start
 * Initialization. `data` holds non-secret command data only: never keys, passwords or MACs.
 * `signatureRequired` is set by the module's signing rule and is itself covered by the chain.
 */
export const AuditEntrySchema = z
  .object({
    moduleSerial: z.string().min(1).max(64),
    sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    previousHash: base64Bytes({ exact: AUDIT_HASH_BYTES }),
    softwarePart: z.string().min(1).max(64),
    softwareVersion: z.string().min(1).max(32),
    bootCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    command: CommandNameSchema,
    userId: z.string().max(64).nullable(),
    role: OfficerRoleSchema.nullable(),
    currentState: ModuleStateSchema,
    persistentState: ModuleStateSchema,
    time: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** 'OK', or the catalogue code of a failure that was committed (e.g. LOGON_FAILED). */
    reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
    data: z.record(z.string().max(64), z.string().max(4096)),
    signatureRequired: z.boolean(),
    /** ECDSA P-256 / SHA-256, raw r‖s, over the canonical encoding; null when not required. */
    signature: base64Bytes({ exact: 64 }).nullable(),
  })
  .strict();

export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** The signed and hashed form of an entry: every field but the signature, in this order. */
export const AuditEntryLayout = canonicalLayout('indicium/module/audit-entry/v1', {
  moduleSerial: 'text',
  sequence: 'uint',
  previousHash: 'bytes',
  softwarePart: 'text',
  softwareVersion: 'text',
  bootCount: 'uint',
  command: 'text',
  userId: 'text?',
  role: 'text?',
  currentState: 'text',
  persistentState: 'text',
  time: 'uint',
  reasonCode: 'text',
  data: 'text[]',
  signatureRequired: 'bool',
});

/** Canonical bytes of an entry (signature excluded): the hash-chain and signature input. */
export function encodeAuditEntry(entry: Omit<AuditEntry, 'signature'>): Uint8Array {
  // Keys sorted by UTF-16 code units and flattened key, value, key, value…: one record, one encoding.
  const keys = Object.keys(entry.data).sort();
  const data = keys.flatMap((k) => [k, entry.data[k] ?? '']);
  return AuditEntryLayout.encode({ ...entry, previousHash: fromBase64(entry.previousHash), data });
}
