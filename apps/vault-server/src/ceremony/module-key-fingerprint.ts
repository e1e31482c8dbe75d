import { createHash } from 'node:crypto';

/**
 * Lowercase hex SHA-256 of a module key's SPKI DER (base64 in): the fingerprint a Key Custodian
 * reads at the source module and types in at the destination (DESIGN §3.4), computed the same
 * way as the module's own `keyFingerprint`.
 */
export function moduleKeyFingerprint(spkiBase64: string): string {
  return createHash('sha256').update(Buffer.from(spkiBase64, 'base64')).digest('hex');
}
