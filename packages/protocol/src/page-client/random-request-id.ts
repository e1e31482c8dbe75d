/**
 * A fresh request id: 128 random bits as 32 hex digits (fits RequestIdSchema). Built on
 * `crypto.getRandomValues`, which every browser offers, where `crypto.randomUUID` exists only on
 * secure (https) pages: a page served over plain http must still get a typed refusal, not a
 * TypeError.
 */
export function randomRequestId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
