import { createPublicKey, verify } from 'node:crypto';
import { AuditKeyLayout, ExportAuditKeyAnswerSchema, fromBase64, IndiciumError } from '@indicium/protocol';

/** A module's audit public key as Export Audit Key gave it: SPKI DER base64 and the module key's signature. */
export interface ExportedAuditKey {
  readonly auditPublicKey: string;
  readonly signature: string;
}

/**
 * Checks an Export Audit Key answer (DESIGN §3.3, §3.5): the audit public key must be signed by
 * the module key pinned at Start Initialization, over `indicium/module/audit-key/v1` naming this
 * module, so neither the vault process in between nor a file edited at rest can slip in a key
 * whose private half signs forged entries. Used by the auditor service and `vaultctl audit verify`.
 *
 * @example
 * const { auditPublicKey } = verifyExportedAuditKey('M0001', await session.call('auditor', 'export-audit-key'), pinned);
 */
export function verifyExportedAuditKey(
  moduleSerial: string,
  answer: unknown,
  pinnedModuleKey: string,
): ExportedAuditKey {
  const parsed = ExportAuditKeyAnswerSchema.safeParse(answer);
  if (!parsed.success) {
    throw new IndiciumError('SIGNATURE_INVALID', {
      field: 'auditPublicKey',
      detail: 'not an Export Audit Key answer',
    });
  }
  const { auditPublicKey, signature } = parsed.data;
  const signed = AuditKeyLayout.encode({ moduleSerial, auditPublicKey: fromBase64(auditPublicKey) });
  const moduleKey = createPublicKey({
    key: Buffer.from(pinnedModuleKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  if (!verify('sha256', signed, { key: moduleKey, dsaEncoding: 'ieee-p1363' }, fromBase64(signature))) {
    throw new IndiciumError('SIGNATURE_INVALID', {
      field: 'auditPublicKey',
      detail: 'not signed by the pinned module key',
    });
  }
  return { auditPublicKey, signature };
}
