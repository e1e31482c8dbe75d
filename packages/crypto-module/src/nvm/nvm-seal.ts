import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';
import { canonicalLayout, IndiciumError, MODULE_STATES } from '@indicium/protocol';
import { imageJson } from './image-json.js';
import { NVM_FORMAT_VERSION, type NvmImage } from './nvm-image.js';

/**
 * The NVM file format (DESIGN §2 "NVM encryption"): AES-256-GCM under the host's 32-byte local
 * storage key. The associated data binds a label, the format version and the module serial, so
 * one module's file cannot be swapped in for another's, nor read by an older format.
 *
 *   file := magic "INDNVM" ‖ u16 formatVersion ‖ nonce(12) ‖ ciphertext ‖ tag(16)
 *   plaintext := UTF-8 JSON of the NvmImage
 *
 * A software module has only the host to keep the storage key (a 0600 key file); a hardware
 * module keeps it in its tamper-responding memory. Anyone with the key file and the NVM file can
 * read the module's keys: protect both as the module itself.
 */
const MAGIC = Buffer.from('INDNVM', 'ascii');
const HEADER_BYTES = MAGIC.length + 2;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const NvmAad = canonicalLayout('indicium/module/nvm-file/v1', {
  formatVersion: 'uint',
  moduleSerial: 'text',
  header: 'bytes',
});

function header(): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(out, 0);
  out.writeUInt16BE(NVM_FORMAT_VERSION, MAGIC.length);
  return out;
}

function aad(moduleSerial: string, head: Uint8Array): Uint8Array {
  return NvmAad.encode({ formatVersion: NVM_FORMAT_VERSION, moduleSerial, header: head });
}

export function sealNvm(image: NvmImage, storageKey: KeyObject, moduleSerial: string): Uint8Array {
  const head = header();
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', storageKey, nonce);
  cipher.setAAD(aad(moduleSerial, head));
  const body = Buffer.concat([cipher.update(imageJson(image), 'utf8'), cipher.final()]);
  return new Uint8Array(Buffer.concat([head, nonce, body, cipher.getAuthTag()]));
}

function corrupt(detail: string, cause?: unknown): IndiciumError {
  return new IndiciumError('NVM_CORRUPT', { detail, ...(cause === undefined ? {} : { cause }) });
}

/** Opens a sealed NVM file; any change to any byte, or a truncation, throws NVM_CORRUPT. */
export function openNvm(sealed: Uint8Array, storageKey: KeyObject, moduleSerial: string): NvmImage {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES) throw corrupt('file too short');
  const head = bytes.subarray(0, HEADER_BYTES);
  if (!head.equals(header())) throw corrupt('unknown file header or format version');
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const body = bytes.subarray(HEADER_BYTES + NONCE_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', storageKey, nonce);
  decipher.setAAD(aad(moduleSerial, head));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  let text: string;
  try {
    text = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch (error) {
    throw corrupt('authentication failed', error);
  }
  let image: unknown;
  try {
    image = JSON.parse(text);
  } catch (error) {
    throw corrupt('authenticated but not JSON', error);
  }
  return checkImage(image);
}

/**
 * The authenticated plaintext was written by a module, so only a coarse shape check: it catches a
 * module of another format that shares the key, not an attacker (GCM already stopped those).
 */
export function checkImage(value: unknown): NvmImage {
  const image = value as Partial<NvmImage> | null;
  if (
    typeof image !== 'object' ||
    image === null ||
    image.formatVersion !== NVM_FORMAT_VERSION ||
    !MODULE_STATES.includes(image.persistentState as never) ||
    typeof image.sections !== 'object' ||
    image.sections === null
  ) {
    throw corrupt('image has the wrong shape');
  }
  addMissingAuditOutbox(image.sections as { audit?: { outbox?: unknown } });
  return image as NvmImage;
}

/**
 * Images written before the audit outbox (DESIGN §3.5) have no `outbox` in their audit section.
 * Their entries were handed to the host when they were made, as that release did, so nothing is
 * pending: they load with an empty outbox instead of failing at the first audited command.
 */
function addMissingAuditOutbox(sections: { audit?: { outbox?: unknown } }): void {
  const audit = sections.audit;
  if (typeof audit === 'object' && audit !== null && audit.outbox === undefined) audit.outbox = [];
}
