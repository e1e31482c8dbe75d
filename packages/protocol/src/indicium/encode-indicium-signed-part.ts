import { IndiciumError } from '../errors/indicium-error.js';
import { writeUintBE } from './big-endian.js';
import { checkUint } from './check-uint.js';
import { INDICIUM_FIELD_NAMES, INDICIUM_KIND_CODES, type IndiciumFields } from './indicium-fields.js';
import {
  INDICIUM_ALGORITHM_ECDSA_P256_SHA256,
  INDICIUM_FLAG_SAMPLE,
  INDICIUM_LAYOUT,
  INDICIUM_SIGNED_LENGTH,
  INDICIUM_VERSION,
} from './indicium-layout.js';
import { INDICIUM_UINT_RANGES, type IndiciumUintField } from './indicium-uint-ranges.js';
import { encodeMailingDate } from './mailing-date.js';
import { checkRateCategory, writeRateCategory } from './rate-category.js';
import { parseZip } from './zip-code.js';

const CODE = 'INVALID_FIELD';

function checkShape(fields: unknown): Record<string, unknown> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new IndiciumError(CODE, { field: 'fields', detail: 'must be an object' });
  }
  const allowed: readonly string[] = INDICIUM_FIELD_NAMES;
  for (const key of Object.keys(fields)) {
    // An unknown key is a caller bug or a field this version cannot carry: never drop it silently.
    if (!allowed.includes(key)) throw new IndiciumError(CODE, { field: key, detail: 'unknown field' });
  }
  // A snapshot: each value is read once, so a getter cannot show the checks one value and the
  // encoder another.
  return { ...(fields as Record<string, unknown>) };
}

/**
 * Builds the 50-byte signed part of a version 1 indicium (DESIGN §5), the exact input of the
 * ECDSA signature. Every field is checked first; nothing is rounded, truncated or defaulted.
 *
 * Throws `IndiciumError('INVALID_FIELD')` with `field` = the IndiciumFields name at fault.
 *
 * @example
 * const signedPart = encodeIndiciumSignedPart(fields);
 * const signature = sign('sha256', signedPart, { key, dsaEncoding: 'ieee-p1363' });
 * const indicium = attachIndiciumSignature(signedPart, signature);
 */
export function encodeIndiciumSignedPart(fields: IndiciumFields): Uint8Array {
  const input = checkShape(fields);
  if (input.version !== INDICIUM_VERSION) {
    throw new IndiciumError(CODE, { field: 'version', detail: `must be ${INDICIUM_VERSION}` });
  }
  if (input.algorithm !== INDICIUM_ALGORITHM_ECDSA_P256_SHA256) {
    throw new IndiciumError(CODE, { field: 'algorithm', detail: 'must be 1 (ECDSA P-256 SHA-256)' });
  }
  const out = new Uint8Array(INDICIUM_SIGNED_LENGTH);
  const put = (slot: keyof typeof INDICIUM_LAYOUT, value: number): void =>
    writeUintBE(out, INDICIUM_LAYOUT[slot].offset, INDICIUM_LAYOUT[slot].size, value);

  put('version', INDICIUM_VERSION);
  put('algorithm', INDICIUM_ALGORITHM_ECDSA_P256_SHA256);
  for (const [name, [min, max]] of Object.entries(INDICIUM_UINT_RANGES) as [
    IndiciumUintField,
    readonly [number, number],
  ][]) {
    put(name, checkUint(input[name], min, max, name, CODE));
  }
  put('mailingDate', encodeMailingDate(input.mailingDate as string, CODE));
  put('originZip', parseZip(input.originZip as string, 'originZip', CODE));
  writeRateCategory(out, INDICIUM_LAYOUT.rateCategory.offset, checkRateCategory(input.rateCategory, CODE));
  const destination = input.destinationZip;
  put('destinationZip', destination === null ? 0 : parseZip(destination as string, 'destinationZip', CODE));
  if (typeof input.kind !== 'string' || !Object.hasOwn(INDICIUM_KIND_CODES, input.kind)) {
    throw new IndiciumError(CODE, { field: 'kind', detail: "must be 'postage', 'correction' or 'refund'" });
  }
  put('kind', INDICIUM_KIND_CODES[input.kind as keyof typeof INDICIUM_KIND_CODES]);
  if (typeof input.sample !== 'boolean') {
    throw new IndiciumError(CODE, { field: 'sample', detail: 'must be true or false' });
  }
  put('flags', input.sample ? INDICIUM_FLAG_SAMPLE : 0);
  return out;
}
