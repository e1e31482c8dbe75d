import { IndiciumError } from '../errors/indicium-error.js';
import { readUintBE } from './big-endian.js';
import { checkIndiciumBytes } from './check-indicium-bytes.js';
import { checkUint } from './check-uint.js';
import { INDICIUM_KINDS, type IndiciumFields, type IndiciumKind } from './indicium-fields.js';
import {
  INDICIUM_ALGORITHM_ECDSA_P256_SHA256,
  INDICIUM_FLAG_SAMPLE,
  INDICIUM_LAYOUT,
  INDICIUM_RESERVED_FLAGS_MASK,
  INDICIUM_SIGNED_LENGTH,
  INDICIUM_VERSION,
} from './indicium-layout.js';
import { INDICIUM_UINT_RANGES, type IndiciumUintField } from './indicium-uint-ranges.js';
import { decodeMailingDate } from './mailing-date.js';
import { readRateCategory } from './rate-category.js';
import { formatZip } from './zip-code.js';

const CODE = 'INDICIUM_MALFORMED';

/**
 * Decodes the 50-byte signed part (DESIGN §5 bytes 0–49). Strict: every byte pattern that
 * `encodeIndiciumSignedPart` cannot produce is refused, so parse and encode are exact inverses and
 * one indicium has one meaning.
 *
 * Throws `IndiciumError('INDICIUM_MALFORMED')` with `field` = the IndiciumFields name at fault,
 * `flags` for a reserved flag bit, or `length` for a wrong length.
 *
 * @example
 * const fields = parseIndiciumSignedPart(signedPart); // fields.postageMills === 730
 */
export function parseIndiciumSignedPart(bytes: Uint8Array): IndiciumFields {
  const input = checkIndiciumBytes(bytes, INDICIUM_SIGNED_LENGTH);
  const get = (slot: keyof typeof INDICIUM_LAYOUT): number =>
    readUintBE(input, INDICIUM_LAYOUT[slot].offset, INDICIUM_LAYOUT[slot].size);

  if (get('version') !== INDICIUM_VERSION) {
    throw new IndiciumError(CODE, { field: 'version', detail: `unknown version ${get('version')}` });
  }
  if (get('algorithm') !== INDICIUM_ALGORITHM_ECDSA_P256_SHA256) {
    throw new IndiciumError(CODE, { field: 'algorithm', detail: `unknown algorithm ${get('algorithm')}` });
  }
  const uint = (name: IndiciumUintField): number => {
    const [min, max] = INDICIUM_UINT_RANGES[name];
    return checkUint(get(name), min, max, name, CODE);
  };
  const destination = get('destinationZip');
  const readKind = (): IndiciumKind => {
    const kind = INDICIUM_KINDS[get('kind')];
    if (kind === undefined)
      throw new IndiciumError(CODE, { field: 'kind', detail: `unknown kind ${get('kind')}` });
    return kind;
  };
  const readSample = (): boolean => {
    const flags = get('flags');
    if ((flags & INDICIUM_RESERVED_FLAGS_MASK) !== 0) {
      // A reader that ignored an unknown bit could miss a meaning added later (e.g. "void").
      throw new IndiciumError(CODE, { field: 'flags', detail: 'reserved flag bits must be zero' });
    }
    return (flags & INDICIUM_FLAG_SAMPLE) !== 0;
  };
  // Fields are checked in byte order, so the first bad field is the one reported.
  return {
    version: INDICIUM_VERSION,
    algorithm: INDICIUM_ALGORITHM_ECDSA_P256_SHA256,
    certificateSerial: uint('certificateSerial'),
    vendorId: uint('vendorId'),
    psdModel: uint('psdModel'),
    psdSerial: uint('psdSerial'),
    ascendingRegisterMills: uint('ascendingRegisterMills'),
    postageMills: uint('postageMills'),
    mailingDate: decodeMailingDate(get('mailingDate'), CODE),
    originZip: formatZip(get('originZip'), 'originZip', CODE),
    softwareId: uint('softwareId'),
    descendingRegisterMills: uint('descendingRegisterMills'),
    rateCategory: readRateCategory(input, INDICIUM_LAYOUT.rateCategory.offset, CODE),
    destinationZip: destination === 0 ? null : formatZip(destination, 'destinationZip', CODE),
    pieceCount: uint('pieceCount'),
    kind: readKind(),
    sample: readSample(),
  };
}
