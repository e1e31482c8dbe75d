import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import {
  IndiciumError,
  layoutBytesOf,
  PROTOCOL_VERSION,
  type RegistrationKeyBundle,
  RegistrationKeyBundleSig,
  toBase64,
} from '@indicium/protocol';
import type { CertificateAuthority } from '../ca/certificate-authority.js';
import { randomSerialHex } from '../ca/certificate-serial.js';
import { issueLeafCertificate } from '../ca/issue-leaf-certificate.js';
import { KeyUsage } from '../ca/read-certificate-extensions.js';
import { resolveValidity } from '../ca/validity-options.js';

/** The crypto-card's public keys (SPKI DER, base64), as `vault.json` records them. */
export interface CardPublicKeys {
  readonly registration: string;
  readonly clientSecret: string;
}

/** How long one process's bundle signer certificate lives; a restart makes a new one. */
const SIGNER_LIFETIME = Object.freeze({ days: 30 });

/**
 * The registration key bundle of DESIGN §4.2 step 1: the crypto-card's client-secret RSA key (to
 * which companions encrypt HMK and passphrase hash) and registration signing key (which signs the
 * registration challenges), signed under the postal CA the companion pins. The signer is a
 * short-lived P-256 key made per vault process, certified by the postal CA as an end entity with
 * keyUsage digitalSignature only, so the CA key itself never signs traffic. The companion checks
 * that `signerCertificate` chains to its pinned CA, then the signature over
 * `RegistrationKeyBundleSig`.
 *
 * @example
 * const bundle = await makeRegistrationKeyBundle(postalCa, vault.manifest().cardPublicKeys);
 */
export async function makeRegistrationKeyBundle(
  postalCa: CertificateAuthority,
  keys: CardPublicKeys | undefined,
  now: Date = new Date(),
): Promise<RegistrationKeyBundle> {
  if (keys === undefined) {
    throw new IndiciumError('VAULT_UNAVAILABLE', {
      detail: 'vault.json does not record the crypto-card public keys (a vault made before they were kept)',
    });
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = await issueLeafCertificate(postalCa, {
    subject: [{ CN: ['Indicium registration key bundle signer'], O: ['SAMPLE - NOT VALID FOR POSTAGE'] }],
    publicKey,
    serialNumberHex: randomSerialHex(),
    validity: resolveValidity({ now }, SIGNER_LIFETIME),
    now,
    keyUsage: KeyUsage.digitalSignature,
  });
  const fields = {
    clientSecretPublicKey: keys.clientSecret,
    registrationSigningPublicKey: keys.registration,
    issuedAt: now.toISOString(),
    signerCertificate: toBase64(new X509Certificate(pem).raw),
  };
  const signature = sign('sha256', layoutBytesOf(RegistrationKeyBundleSig, fields), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return { protocol: PROTOCOL_VERSION, ...fields, signature: toBase64(signature) };
}
