import { createHash, type KeyObject } from 'node:crypto';

/**
 * The fingerprint of a public key: lowercase hex SHA-256 of its SPKI DER. Officers compare it by
 * eye between modules (DESIGN §3.4), and shares are bound to the destination's one.
 *
 * @example
 * keyFingerprint(transportPublicKeyDer); // '3f1c…' (64 hex digits)
 */
export function keyFingerprint(key: KeyObject | Uint8Array): string {
  const der = key instanceof Uint8Array ? key : key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

export const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;
