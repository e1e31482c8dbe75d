import { INDICIUM_LENGTH, INDICIUM_SIGNED_LENGTH } from './indicium-layout.js';
import { checkIndiciumSignature } from './indicium-signature.js';
import { parseIndiciumSignedPart } from './parse-indicium-signed-part.js';

/**
 * Joins a 50-byte signed part and its raw 64-byte r‖s signature into the 114-byte indicium
 * (DESIGN §5). The signed part is parsed first, so a malformed one can never be signed into an
 * indicium; both are bytes, so refusals are `INDICIUM_MALFORMED` (`length` for a signed part of the
 * wrong length, `signature` for a signature of the wrong length or with r or s out of range).
 *
 * @example
 * const indicium = attachIndiciumSignature(signedPart, sign('sha256', signedPart, { key, dsaEncoding: 'ieee-p1363' }));
 */
export function attachIndiciumSignature(signedPart: Uint8Array, signature: Uint8Array): Uint8Array {
  parseIndiciumSignedPart(signedPart);
  checkIndiciumSignature(signature, 'INDICIUM_MALFORMED');
  const out = new Uint8Array(INDICIUM_LENGTH);
  out.set(signedPart, 0);
  out.set(signature, INDICIUM_SIGNED_LENGTH);
  return out;
}
