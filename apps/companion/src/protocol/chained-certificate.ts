import { type KeyObject, X509Certificate } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';

/**
 * Parses `certificate` (PEM or DER) and checks, with OpenSSL through `node:crypto`, that the pinned
 * CA issued it and its signature verifies under the CA's key, that neither is outside its validity
 * at `at`, that it is not itself a CA, and that its key is ECDSA P-256 (DESIGN §2). This is the
 * whole of "chained to the pinned CA": the chain is one level deep, and nothing the vault sends can
 * add a link. Every refusal is CERTIFICATE_INVALID with `field` and `details.reason`.
 */
export function verifyChainedCertificate(
  certificate: string | Uint8Array,
  caPem: string,
  at: Date,
  field: string,
): { certificate: X509Certificate; publicKey: KeyObject } {
  const refuse = (reason: string, detail: string): never => {
    throw new IndiciumError('CERTIFICATE_INVALID', { field, detail, details: { reason } });
  };
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(caPem);
  } catch {
    return refuse('ca-malformed', 'the pinned CA is not a certificate');
  }
  if (!ca.ca) refuse('ca-malformed', 'the pinned CA is not a CA certificate');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate));
  } catch {
    return refuse('malformed', 'not an X.509 certificate');
  }
  if (!cert.checkIssued(ca)) refuse('issuer', 'not issued by the pinned CA');
  let signed = false;
  try {
    signed = cert.verify(ca.publicKey);
  } catch {
    // OpenSSL may throw rather than answer false on a damaged signature encoding.
    signed = false;
  }
  if (!signed) refuse('signature', "the certificate's signature does not verify under the pinned CA");
  for (const [which, c] of [
    ['ca', ca],
    ['certificate', cert],
  ] as const) {
    if (at < new Date(c.validFrom)) refuse('not-yet-valid', `the ${which} is not valid yet`);
    if (at > new Date(c.validTo)) refuse('expired', `the ${which} has expired`);
  }
  if (cert.ca) refuse('is-a-ca', 'an end-entity certificate must not be a CA');
  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    refuse('public-key', 'the key is not ECDSA P-256');
  }
  return { certificate: cert, publicKey };
}
