import { type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  type CanonicalFieldType,
  type CanonicalLayout,
  layoutBytesOf,
  PROTOCOL_VERSION,
  toBase64,
} from '@indicium/protocol';

/** A provider message ready for a module, with what the store keeps of it. */
export interface SignedProviderMessage<T> {
  readonly message: T & { protocol: 1; meterId: string; nonce: string; issuedAt: string; signature: string };
  readonly nonce: Uint8Array;
  readonly signature: Uint8Array;
  /** The message's JSON text as UTF-8: what the store records (provider_messages.payload). */
  readonly payload: Uint8Array;
}

/**
 * Signs a provider message (DESIGN §4.4) with the provider key over its canonical layout, never its
 * JSON: a fresh 16-byte nonce (the store keeps it unique for ever, so a message is applied once)
 * and the issue time go under the signature. The module checks it with the provider public key
 * loaded at Initialize Crypto-Card.
 *
 * @example
 * const signed = signProviderMessage(ValueDownloadSig, { meterId, packageVersion, controlTotalMills, amountMills }, key);
 */
export function signProviderMessage<
  S extends Record<string, CanonicalFieldType>,
  T extends { meterId: string },
>(
  layout: CanonicalLayout<S>,
  fields: T,
  providerKey: KeyObject,
  now: Date = new Date(),
): SignedProviderMessage<T> {
  const nonce = randomBytes(16);
  const unsigned = {
    protocol: PROTOCOL_VERSION as 1,
    ...fields,
    nonce: toBase64(nonce),
    issuedAt: now.toISOString(),
  };
  const signature = sign('sha256', layoutBytesOf(layout, unsigned), {
    key: providerKey,
    dsaEncoding: 'ieee-p1363',
  });
  const message = { ...unsigned, signature: toBase64(signature) };
  return {
    message,
    nonce: new Uint8Array(nonce),
    signature: new Uint8Array(signature),
    payload: new TextEncoder().encode(JSON.stringify(message)),
  };
}
