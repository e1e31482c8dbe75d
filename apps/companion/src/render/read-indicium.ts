import { IndiciumError, type IndiciumFields, parseIndicium } from '@indicium/protocol';

/** An indicium the renderer has checked: the exact bytes to encode and the fields to print. */
export interface ReadIndicium {
  /** A private copy of the 114 bytes, so what is printed is what was parsed. */
  readonly bytes: Uint8Array;
  readonly fields: IndiciumFields;
}

/**
 * Refuses anything that is not a well-formed version 1 indicium (DESIGN §5) before a single mark is
 * drawn: printing garbage as a postage symbol would waste a mail piece at best and mislead a
 * postal scanner at worst. The format is checked here; the signature was verified by the caller
 * against the meter certificate when the vault answered (DESIGN §4.3).
 *
 * Throws `IndiciumError('INDICIUM_MALFORMED')` naming the bad field.
 */
export function readIndicium(input: unknown): ReadIndicium {
  if (!(input instanceof Uint8Array)) {
    throw new IndiciumError('INDICIUM_MALFORMED', { field: 'indicium', detail: 'must be bytes' });
  }
  // Copy first: a caller's buffer that changes after the check must not change the print.
  const bytes = Uint8Array.from(input);
  const { fields } = parseIndicium(bytes);
  return { bytes, fields };
}
