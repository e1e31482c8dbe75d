import { IndiciumError } from '@indicium/protocol';
import type { CertificateAuthority } from './certificate-authority.js';
import { randomSerialHex } from './certificate-serial.js';
import { issueLeafCertificate } from './issue-leaf-certificate.js';
import { type PublicKeyInput, toP256PublicKey } from './p256-public-key.js';
import { ExtendedKeyUsageOid, KeyUsage } from './read-certificate-extensions.js';
import { resolveValidity, type ValidityOptions } from './validity-options.js';
import { x509 } from './x509-library.js';

export interface ClientCertificateRequest extends ValidityOptions {
  /** Who the certificate is for, e.g. the paired interface machine's name (DESIGN §9). */
  readonly commonName: string;
  /** The client's own public key: its private key never leaves the client. */
  readonly publicKey: PublicKeyInput;
}

/** Default client certificate lifetime: a paired machine re-pairs at most every two years. */
export const CLIENT_CERTIFICATE_LIFETIME = Object.freeze({ years: 2 });

// X.520 ub-common-name is 64. Control, format (bidi overrides) and line separator characters
// would let a name make logs and pairing screens lie about who connected.
const COMMON_NAME_MAX = 64;
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function checkCommonName(commonName: string): void {
  if (
    typeof commonName !== 'string' ||
    commonName.trim().length === 0 ||
    [...commonName].length > COMMON_NAME_MAX ||
    CONTROL_CHARACTERS.test(commonName)
  ) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'commonName',
      detail: `A common name is 1 to ${COMMON_NAME_MAX} printable characters.`,
    });
  }
}

/**
 * Issues a TLS client certificate for mutual TLS (extendedKeyUsage clientAuth, keyUsage
 * digitalSignature), as the small-office gateway will when it pairs an interface machine
 * (DESIGN §9). Throws `INVALID_FIELD` (field `commonName`, `publicKey`, `notBefore`, `notAfter`).
 *
 * @example
 * const cert = await issueClientCertificate(gatewayCa, { commonName: 'front-desk-pc', publicKey });
 */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  request: ClientCertificateRequest,
): Promise<string> {
  checkCommonName(request.commonName);
  const publicKey = toP256PublicKey(request.publicKey, 'publicKey');
  const now = request.now ?? new Date();
  return issueLeafCertificate(ca, {
    subject: [{ CN: [request.commonName] }],
    publicKey,
    serialNumberHex: randomSerialHex(),
    validity: resolveValidity({ ...request, now }, CLIENT_CERTIFICATE_LIFETIME),
    now,
    keyUsage: KeyUsage.digitalSignature,
    extensions: [new x509.ExtendedKeyUsageExtension([ExtendedKeyUsageOid.clientAuth])],
  });
}
