import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  fromBase64,
  IndiciumError,
  type ModuleStatus,
  ModuleStatusLayout,
  ModuleStatusSchema,
} from '@indicium/protocol';

/**
 * Checks a Get Status answer against the module public key the host trusts (from Start
 * Initialization, or pinned at enrolment) and, if given, the nonce the host sent. Returns the
 * parsed status; throws SIGNATURE_INVALID otherwise. An unsigned status (no module key yet) is
 * refused too: callers that accept one must not call this.
 */
export function verifyStatus(
  raw: unknown,
  modulePublicKey: KeyObject | string,
  nonce?: string,
): ModuleStatus {
  const status = ModuleStatusSchema.parse(raw);
  const key =
    typeof modulePublicKey === 'string'
      ? createPublicKey({ key: Buffer.from(modulePublicKey, 'base64'), format: 'der', type: 'spki' })
      : modulePublicKey;
  if (status.signature === null)
    throw new IndiciumError('SIGNATURE_INVALID', { detail: 'status is not signed' });
  if (nonce !== undefined && status.nonce !== nonce) {
    throw new IndiciumError('SIGNATURE_INVALID', { field: 'nonce', detail: 'stale status' });
  }
  const message = ModuleStatusLayout.encode({
    ...status,
    auditHead: fromBase64(status.auditHead),
    nonce: fromBase64(status.nonce),
    modulePublicKey: status.modulePublicKey === null ? null : fromBase64(status.modulePublicKey),
  });
  if (!verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, fromBase64(status.signature))) {
    throw new IndiciumError('SIGNATURE_INVALID', { detail: 'status signature does not verify' });
  }
  return status;
}
