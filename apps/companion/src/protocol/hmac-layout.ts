import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type CanonicalFieldType,
  type CanonicalLayout,
  fromBase64,
  IndiciumError,
  layoutBytesOf,
  toBase64,
} from '@indicium/protocol';

/**
 * HMAC-SHA-256 with a meter user's HMK over a message's canonical layout (DESIGN §2, §4): the same
 * `layoutBytesOf` the module uses, so both sides MAC the same bytes and never JSON text.
 */
export function macOf<S extends Record<string, CanonicalFieldType>>(
  hmk: Uint8Array,
  layout: CanonicalLayout<S>,
  message: object,
): string {
  return toBase64(createHmac('sha256', hmk).update(layoutBytesOf(layout, message)).digest());
}

/** MAC_INVALID (with `field`) unless `presented` is the HMK's MAC of the message; constant time. */
export function assertMac<S extends Record<string, CanonicalFieldType>>(
  hmk: Uint8Array,
  layout: CanonicalLayout<S>,
  message: object,
  presented: string,
  field: string,
): void {
  const expected = createHmac('sha256', hmk).update(layoutBytesOf(layout, message)).digest();
  const got = fromBase64(presented);
  if (got.length !== expected.length || !timingSafeEqual(expected, got)) {
    throw new IndiciumError('MAC_INVALID', { field });
  }
}
