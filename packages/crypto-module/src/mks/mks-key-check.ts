import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import { canonicalLayout } from '@indicium/protocol';

/**
 * The key-check value (KCV) of an MKS: 8 bytes of HMAC-SHA-256 under the MEK ‖ 8 bytes under the
 * MAK, each over a fixed label and the MKS version (DESIGN §2: "the combined MKS checked against a
 * key-check value").
 *
 * Why this shape: HMAC is a PRF, so the KCV says nothing about the keys except "these are the
 * keys" (the classic "encrypt zeros under the key" KCV hands out a known plaintext/ciphertext pair
 * for the very key). Each key gets its own half, so a combination that restored one key but not
 * the other still fails. 64 bits per key make an accidental match of a wrongly combined MKS (which
 * yields random keys) a 2^-64 event, while the value stays short enough for officers to compare by
 * eye. The version is bound in so the KCV of version 1 never vouches for keys presented as version 2.
 */
export const KEY_CHECK_LENGTH = 16;

const KeyCheckInput = canonicalLayout('indicium/mks/key-check/v1', { key: 'text', version: 'uint' });

function half(key: KeyObject | Uint8Array, name: 'mek' | 'mak', version: number): Buffer {
  return createHmac('sha256', key)
    .update(KeyCheckInput.encode({ key: name, version }))
    .digest()
    .subarray(0, KEY_CHECK_LENGTH / 2);
}

/**
 * @example
 * const kcv = keyCheckValue(mek, mak, 1); // 16 bytes, safe to display and to carry in shares
 */
export function keyCheckValue(
  mek: KeyObject | Uint8Array,
  mak: KeyObject | Uint8Array,
  version: number,
): Buffer {
  return Buffer.concat([half(mek, 'mek', version), half(mak, 'mak', version)]);
}

/** Constant-time comparison of a freshly computed KCV with the expected one. */
export function keyCheckMatches(
  mek: KeyObject | Uint8Array,
  mak: KeyObject | Uint8Array,
  version: number,
  expected: Uint8Array,
): boolean {
  if (expected.length !== KEY_CHECK_LENGTH) return false;
  return timingSafeEqual(keyCheckValue(mek, mak, version), expected);
}
