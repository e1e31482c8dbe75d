import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { base64Bytes } from './module-bytes.js';

/**
 * Bodies of the module-wide commands (DESIGN §3.3): Start Initialization, Create Audit Entry,
 * Export Audit Key, Reset.
 */
export const StartInitializationRequestSchema = z
  .object({
    /** Sets the module clock (module time, ms since the epoch). */
    time: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** Sign every Nth audit entry (DESIGN §3.5); default 16. */
    auditSignEvery: z.number().int().min(1).max(1024).optional(),
  })
  .strict();

export const StartInitializationAnswerSchema = z
  .object({ modulePublicKey: base64Bytes({ max: 256 }) })
  .strict();

export const CreateAuditEntryRequestSchema = z.object({ reason: z.string().max(256).optional() }).strict();

/** Export Audit Key answer: the audit public key, signed by the module key over `AuditKeyLayout`. */
export const ExportAuditKeyAnswerSchema = z
  .object({ auditPublicKey: base64Bytes({ max: 256 }), signature: base64Bytes({ exact: 64 }) })
  .strict();

export const AuditKeyLayout = canonicalLayout('indicium/module/audit-key/v1', {
  moduleSerial: 'text',
  auditPublicKey: 'bytes',
});

export type ExportAuditKeyAnswer = z.infer<typeof ExportAuditKeyAnswerSchema>;
