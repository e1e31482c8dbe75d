import type { CertificateAuthority } from './certificate-authority.js';
import { randomSerialHex } from './certificate-serial.js';
import { issueLeafCertificate } from './issue-leaf-certificate.js';
import { type PublicKeyInput, toP256PublicKey } from './p256-public-key.js';
import { ExtendedKeyUsageOid, KeyUsage } from './read-certificate-extensions.js';
import { subjectAltNames } from './subject-alt-names.js';
import { resolveValidity, type ValidityOptions } from './validity-options.js';
import { x509 } from './x509-library.js';

export interface ServerCertificateRequest extends ValidityOptions {
  readonly publicKey: PublicKeyInput;
  /** Host names or IP addresses to cover beside localhost, 127.0.0.1 and ::1. */
  readonly extraNames?: readonly string[];
}

/** 397 days: within the 398-day ceiling browsers enforce for TLS server certificates. */
export const SERVER_CERTIFICATE_LIFETIME = Object.freeze({ days: 397 });

/**
 * Issues a TLS server certificate (DESIGN §6): subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1
 * plus `extraNames`, extendedKeyUsage serverAuth, keyUsage digitalSignature (ECDHE-ECDSA needs no
 * more). Browsers and Node match host names against subjectAltName only, never the CN.
 *
 * @example
 * const cert = await issueServerCertificate(devCa, { publicKey, extraNames: ['vault.lan'] });
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  request: ServerCertificateRequest,
): Promise<string> {
  const names = subjectAltNames(request.extraNames);
  const publicKey = toP256PublicKey(request.publicKey, 'publicKey');
  const now = request.now ?? new Date();
  return issueLeafCertificate(ca, {
    subject: [{ CN: [names.dns[0] ?? 'localhost'] }],
    publicKey,
    serialNumberHex: randomSerialHex(),
    validity: resolveValidity({ ...request, now }, SERVER_CERTIFICATE_LIFETIME),
    now,
    keyUsage: KeyUsage.digitalSignature,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      new x509.ExtendedKeyUsageExtension([ExtendedKeyUsageOid.serverAuth]),
    ],
  });
}
