import { createHash } from 'node:crypto';

/**
 * Chrome's extension id for a manifest `key`: the first 128 bits of SHA-256 over the key's DER
 * (SubjectPublicKeyInfo), each hex digit 0–f written as a letter a–p.
 */
export function extensionIdFromKey(base64SpkiDer: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64SpkiDer, 'base64')).digest('hex');
  return [...digest.slice(0, 32)]
    .map((digit) => String.fromCharCode(0x61 + Number.parseInt(digit, 16)))
    .join('');
}
