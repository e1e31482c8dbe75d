import type { X509Certificate } from 'node:crypto';

/**
 * True when OpenSSL agrees that `issuer` issued `certificate`: names and key identifiers match
 * (`X509_check_issued`) and the signature verifies under the issuer's key. OpenSSL may throw
 * rather than return false on a damaged signature; both mean "not issued by".
 */
export function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
