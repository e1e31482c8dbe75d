import { type OpenedCertificateAuthority, openCertificateAuthority } from './ca-store.js';
import { createPostalCa } from './create-postal-ca.js';
import type { ValidityOptions } from './validity-options.js';

/** The postal CA's file name stem in its directory. */
export const POSTAL_CA_NAME = 'postal-ca';

/**
 * Opens the sample postal CA stored in `dir`, making it on first run (DESIGN §6: a fresh vault
 * works out of the box). `options` apply only when it is made.
 *
 * @example
 * const { ca } = await openPostalCa('/var/lib/indicium/ca');
 */
export async function openPostalCa(
  dir: string,
  options: ValidityOptions = {},
): Promise<OpenedCertificateAuthority> {
  return openCertificateAuthority(dir, POSTAL_CA_NAME, () => createPostalCa(options));
}
