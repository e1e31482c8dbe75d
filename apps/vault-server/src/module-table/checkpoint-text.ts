import { fromBase64, toBase64 } from '@indicium/protocol';

/**
 * The module table keeps a checkpoint record as the bytes of the module's base64 text (DESIGN §3.6);
 * PSD commands carry the text. These two are the only conversion, so the record the host passes
 * is byte for byte the one the module wrote.
 */
export function checkpointText(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : toBase64(bytes);
}

export function checkpointBytes(text: string): Uint8Array {
  return fromBase64(text);
}
