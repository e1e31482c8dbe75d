import type { CertificateAuthority } from './certificate-authority.js';
import { createCertificateAuthority } from './create-certificate-authority.js';
import type { ValidityOptions } from './validity-options.js';

/** A separate root from the postal CA: TLS trust and postage trust must never be interchangeable. */
export const DEVELOPMENT_CA_SUBJECT = 'CN=Indicium Local Development CA, O=Indicium';

/**
 * Makes the local development TLS CA of DESIGN §6 (the vault's HTTPS on a fresh machine).
 * Operators with their own certificates never need it.
 */
export async function createDevelopmentCa(options: ValidityOptions = {}): Promise<CertificateAuthority> {
  return createCertificateAuthority({ ...options, subject: DEVELOPMENT_CA_SUBJECT });
}
