import { type KeyObject, sign } from 'node:crypto';
import {
  type CanonicalFieldType,
  type CanonicalLayout,
  layoutBytesOf,
  PROTOCOL_VERSION,
  toBase64,
} from '@indicium/protocol';

/**
 * Signs a provider message (DESIGN §4.4) over its canonical layout with the provider key, as the
 * provider service does; for tests and tools. The module verifies with the crypto-card's key.
 *
 * @example
 * const message = signProviderMessage(ValueDownloadSig, { meterId, nonce, issuedAt, packageVersion, controlTotalMills, amountMills }, providerKey);
 */
export function signProviderMessage<S extends Record<string, CanonicalFieldType>, T extends object>(
  layout: CanonicalLayout<S>,
  fields: T,
  providerKey: KeyObject,
): T & { protocol: 1; signature: string } {
  const message = { protocol: PROTOCOL_VERSION as typeof PROTOCOL_VERSION & 1, ...fields };
  const signature = sign('sha256', layoutBytesOf(layout, message), {
    key: providerKey,
    dsaEncoding: 'ieee-p1363',
  });
  return { ...message, signature: toBase64(signature) };
}
