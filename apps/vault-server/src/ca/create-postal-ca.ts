import type { CertificateAuthority } from './certificate-authority.js';
import { createCertificateAuthority } from './create-certificate-authority.js';
import type { ValidityOptions } from './validity-options.js';

/**
 * The sample postal CA's name says what it is on every screen that shows a certificate: Indicium
 * runs its own CA, and nothing it signs is valid postage (DESIGN legal note, §5).
 */
export const POSTAL_CA_SUBJECT = 'CN=Indicium Sample Postal CA (NOT VALID FOR POSTAGE), O=Indicium';

/**
 * Makes the sample postal CA that signs meter certificates (DESIGN §2, §5). Default validity
 * 10 years. In memory only: persist it with `saveCertificateAuthority` or use `openPostalCa`.
 *
 * @example
 * const ca = await createPostalCa();
 */
export async function createPostalCa(options: ValidityOptions = {}): Promise<CertificateAuthority> {
  return createCertificateAuthority({ ...options, subject: POSTAL_CA_SUBJECT });
}
