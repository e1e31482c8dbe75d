import { z } from 'zod';

/**
 * Printable Latin-1 only: the three outputs share one character set. PDF's standard Helvetica is
 * WinAnsi-encoded and ZPL prints with code page 1252 (^CI27); both agree with Latin-1 on
 * U+0020–U+007E and U+00A0–U+00FF. Control characters would also let an address inject ZPL.
 */
const PRINTABLE_LATIN1 = /^[\u0020-\u007E\u00A0-\u00FF]*$/;

const addressText = (max: number) =>
  z.string().trim().min(1).max(max).regex(PRINTABLE_LATIN1, 'printable Latin-1 characters only');

/**
 * A postal address as printed on a mail piece (DESIGN §5 "Printed form", §8 "addresses").
 * Lengths follow USPS addressing practice: at most 40 characters a line, three delivery lines.
 *
 * This belongs in `@indicium/protocol` once the web page sends addresses to the companion; it lives
 * here until that message exists.
 *
 * @example
 * addressSchema.parse({ name: 'Ada Lovelace', lines: ['12 Main St'], city: 'Boston', state: 'MA', zip: '02139' });
 */
export const addressSchema = z
  .object({
    name: addressText(40),
    lines: z.array(addressText(40)).min(1).max(3),
    city: addressText(28),
    /** The two-letter USPS state or territory code. */
    state: z.string().regex(/^[A-Z]{2}$/, 'two capital letters'),
    /** 'NNNNN' or 'NNNNN-NNNN', as the indicium's ZIPs. */
    zip: z.string().regex(/^[0-9]{5}(-[0-9]{4})?$/, "'NNNNN' or 'NNNNN-NNNN'"),
  })
  .strict();

export type Address = z.infer<typeof addressSchema>;

/** The printed lines of an address, last line in USPS form: `CITY ST ZIP`. */
export function addressLines(address: Address): string[] {
  return [address.name, ...address.lines, `${address.city} ${address.state} ${address.zip}`];
}
