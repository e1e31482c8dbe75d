import { checkIndiciumBytes } from './check-indicium-bytes.js';
import type { IndiciumFields } from './indicium-fields.js';
import { INDICIUM_LENGTH, INDICIUM_SIGNED_LENGTH } from './indicium-layout.js';
import { checkIndiciumSignature } from './indicium-signature.js';
import { parseIndiciumSignedPart } from './parse-indicium-signed-part.js';

/** A parsed indicium. `signedPart` and `signature` are copies, not views of the caller's buffer. */
export interface ParsedIndicium {
  fields: IndiciumFields;
  /** Bytes 0–49: exactly what the signature covers. */
  signedPart: Uint8Array;
  /** Bytes 50–113: raw r‖s. */
  signature: Uint8Array;
}

/**
 * Parses a scanned or received 114-byte indicium (DESIGN §5). This checks the format only: the
 * caller must still verify `signature` over `signedPart` with the meter certificate whose serial is
 * `fields.certificateSerial`, chained to the postal CA.
 *
 * Throws `IndiciumError('INDICIUM_MALFORMED')` with `field` = `length`, an IndiciumFields name,
 * `flags` or `signature`.
 *
 * @example
 * const { fields, signedPart, signature } = parseIndicium(bytes);
 * verify('sha256', signedPart, { key: meterCertificate.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
 */
export function parseIndicium(bytes: Uint8Array): ParsedIndicium {
  const input = checkIndiciumBytes(bytes, INDICIUM_LENGTH);
  // Copy before checking, so the bytes checked are the bytes returned even if the caller's buffer changes.
  const signedPart = input.slice(0, INDICIUM_SIGNED_LENGTH);
  const signature = input.slice(INDICIUM_SIGNED_LENGTH, INDICIUM_LENGTH);
  const fields = parseIndiciumSignedPart(signedPart);
  checkIndiciumSignature(signature, 'INDICIUM_MALFORMED');
  return { fields, signedPart, signature };
}
