import { type AuditEntry, AuditEntryLayout, IndiciumError, isCanonicalBase64Text } from '@indicium/protocol';
import { fastEncode } from '../psd/package/fast-canonical.js';

/**
 * `encodeAuditEntry` (protocol `module/audit-entry.ts`) with the one-pass encoder: the same bytes,
 * so the chain hash and the signature input do not change (DESIGN §3.5) and `verifyAuditChain`,
 * which uses the reference, agrees. Every PSD command makes an entry, so the reference's per-field
 * arrays cost about one indicium signature per command. `fast-audit-entry.test.ts` compares both.
 */
export function fastAuditEntryBytes(entry: Omit<AuditEntry, 'signature'>): Buffer {
  // As the reference: keys sorted by UTF-16 code units, flattened key, value, key, value…
  const keys = Object.keys(entry.data).sort();
  const data: string[] = [];
  for (const key of keys) data.push(key, entry.data[key] ?? '');
  if (!isCanonicalBase64Text(entry.previousHash))
    throw new IndiciumError('MALFORMED_REQUEST', { detail: 'not canonical base64' });
  return fastEncode(AuditEntryLayout, {
    ...entry,
    previousHash: Buffer.from(entry.previousHash, 'base64'),
    data,
  });
}
