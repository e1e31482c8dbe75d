import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';
import { canonicalLayout, IndiciumError } from '@indicium/protocol';
import { imageJson } from './image-json.js';
import { NVM_FORMAT_VERSION, type NvmImage } from './nvm-image.js';
import { checkImage } from './nvm-seal.js';

/**
 * One slot of the two-slot NVM file (DESIGN §2 "NVM encryption", §3): the image sealed with
 * AES-256-GCM under the host's storage key, as in `nvm-seal.ts`, plus a write counter and the
 * record's length in the authenticated header, so a slot can be overwritten in place.
 *
 *   slot   := record ‖ padding (ignored: stale bytes of a longer earlier record, or zeros)
 *   record := magic "INDNVS" ‖ u16 slotVersion ‖ u64 counter ‖ u32 bodyLength
 *             ‖ nonce(12) ‖ ciphertext(bodyLength) ‖ tag(16)
 *
 * The associated data binds the label, the slot version, the image format version, the module
 * serial and the whole header (counter and length included): a slot cannot be moved to another
 * module, renumbered, or cut short without failing authentication.
 */
export const SLOT_MAGIC = Buffer.from('INDNVS', 'ascii');
export const SLOT_VERSION = 1;
const HEADER_BYTES = SLOT_MAGIC.length + 2 + 8 + 4;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const SlotAad = canonicalLayout('indicium/module/nvm-slot/v1', {
  slotVersion: 'uint',
  imageFormatVersion: 'uint',
  moduleSerial: 'text',
  header: 'bytes',
});

/** A slot that opened: its image and the write counter that orders it against the other slot. */
export interface OpenedSlot {
  readonly counter: number;
  readonly image: NvmImage;
}

function aad(moduleSerial: string, head: Uint8Array): Uint8Array {
  return SlotAad.encode({
    slotVersion: SLOT_VERSION,
    imageFormatVersion: NVM_FORMAT_VERSION,
    moduleSerial,
    header: head,
  });
}

function corrupt(detail: string, cause?: unknown): IndiciumError {
  return new IndiciumError('NVM_CORRUPT', { detail, ...(cause === undefined ? {} : { cause }) });
}

/** Whether the bytes start like a slot record (rather than a single-file NVM of `nvm-seal.ts`). */
export function looksLikeSlot(bytes: Uint8Array): boolean {
  return bytes.length >= SLOT_MAGIC.length && SLOT_MAGIC.equals(bytes.subarray(0, SLOT_MAGIC.length));
}

/** The sealed record for write number `counter` (≥ 1). */
export function sealSlot(
  image: NvmImage,
  counter: number,
  storageKey: KeyObject,
  moduleSerial: string,
): Buffer {
  if (!Number.isSafeInteger(counter) || counter < 1) {
    throw new IndiciumError('INVALID_FIELD', { field: 'counter', detail: 'must be a positive integer' });
  }
  const plaintext = Buffer.from(imageJson(image), 'utf8');
  const head = Buffer.alloc(HEADER_BYTES);
  SLOT_MAGIC.copy(head, 0);
  head.writeUInt16BE(SLOT_VERSION, SLOT_MAGIC.length);
  head.writeBigUInt64BE(BigInt(counter), SLOT_MAGIC.length + 2);
  head.writeUInt32BE(plaintext.length, SLOT_MAGIC.length + 10);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', storageKey, nonce);
  cipher.setAAD(aad(moduleSerial, head));
  return Buffer.concat([head, nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens a slot; any change to any byte of its record, or a cut inside it, throws NVM_CORRUPT. */
export function openSlot(slot: Uint8Array, storageKey: KeyObject, moduleSerial: string): OpenedSlot {
  const bytes = Buffer.from(slot.buffer, slot.byteOffset, slot.byteLength);
  if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES) throw corrupt('slot too short');
  if (!looksLikeSlot(bytes) || bytes.readUInt16BE(SLOT_MAGIC.length) !== SLOT_VERSION) {
    throw corrupt('unknown slot header or version');
  }
  const counter = bytes.readBigUInt64BE(SLOT_MAGIC.length + 2);
  const bodyLength = bytes.readUInt32BE(SLOT_MAGIC.length + 10);
  const end = HEADER_BYTES + NONCE_BYTES + bodyLength + TAG_BYTES;
  if (end > bytes.length) throw corrupt('slot shorter than its record');
  if (counter < 1n || counter > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('slot counter out of range');
  const head = bytes.subarray(0, HEADER_BYTES);
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', storageKey, nonce);
  decipher.setAAD(aad(moduleSerial, head));
  decipher.setAuthTag(bytes.subarray(end - TAG_BYTES, end));
  let text: string;
  try {
    text = Buffer.concat([
      decipher.update(bytes.subarray(HEADER_BYTES + NONCE_BYTES, end - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    throw corrupt('authentication failed', error);
  }
  let image: unknown;
  try {
    image = JSON.parse(text);
  } catch (error) {
    throw corrupt('authenticated but not JSON', error);
  }
  return { counter: Number(counter), image: checkImage(image) };
}
