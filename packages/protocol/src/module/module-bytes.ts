import { z } from 'zod';
import { IndiciumError } from '../errors/indicium-error.js';

/**
 * Bytes cross the vault↔module boundary as standard base64 text: every module message is plain
 * JSON-safe, structured-cloneable data (a module runs in a worker thread, DESIGN §6) and the NVM is
 * JSON. MACs and signatures never cover this text: layouts decode it and cover the raw bytes (§4).
 * Uses atob/btoa, not Buffer, because browsers import this package too.
 */
export function base64Bytes(options: { min?: number; max?: number; exact?: number } = {}) {
  const min = options.exact ?? options.min ?? 0;
  const max = options.exact ?? options.max ?? 1 << 20;
  const size = min === max ? `${min}` : `${min}..${max}`;
  return z
    .string()
    .max(Math.ceil(max / 3) * 4)
    .refine((s) => isCanonicalBase64(s), { message: 'must be canonical base64' })
    .refine(
      (s) => {
        const n = decodedLength(s);
        return n >= min && n <= max;
      },
      { message: `must decode to ${size} bytes` },
    );
}

function decodedLength(s: string): number {
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - padding;
}

/** True when `s` is the one base64 text of its bytes (no whitespace, right padding): one value, one text. */
export function isCanonicalBase64(s: string): boolean {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return false;
  return toBase64(fromBase64Unchecked(s)) === s;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64Unchecked(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Decodes canonical base64; anything else is refused (the text was meant to be schema-checked first). */
export function fromBase64(text: string): Uint8Array {
  if (!isCanonicalBase64(text))
    throw new IndiciumError('MALFORMED_REQUEST', { detail: 'not canonical base64' });
  return fromBase64Unchecked(text);
}
