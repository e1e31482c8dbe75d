import { type CertificateAuthority, certificateAuthorityFromPem } from './certificate-authority.js';
import { randomSerialHex } from './certificate-serial.js';
import { generateP256KeyPair, toPublicCryptoKey, toSigningCryptoKey } from './p256-key-pair.js';
import { resolveValidity, type ValidityOptions } from './validity-options.js';
import { x509 } from './x509-library.js';

export interface CreateCertificateAuthorityOptions extends ValidityOptions {
  /** The CA's distinguished name, e.g. `CN=Indicium Local Development CA, O=Indicium`. */
  readonly subject: string;
}

/** Default CA lifetime: long enough that companions pinned at install keep working for years. */
export const CA_LIFETIME = Object.freeze({ years: 10 });

/**
 * Makes a self-signed ECDSA P-256 root CA: basicConstraints CA:true with pathLen 0 (it issues
 * end-entity certificates only, never another CA), keyUsage keyCertSign + cRLSign, both critical,
 * and a subject key identifier that its leaves' authority key identifier points to.
 *
 * @example
 * const ca = await createCertificateAuthority({ subject: 'CN=Office Gateway CA, O=Indicium' });
 */
export async function createCertificateAuthority(
  options: CreateCertificateAuthorityOptions,
): Promise<CertificateAuthority> {
  const { notBefore, notAfter } = resolveValidity(options, CA_LIFETIME);
  const keys = await generateP256KeyPair();
  const publicKey = await toPublicCryptoKey(keys.publicKey);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: options.subject,
    notBefore,
    notAfter,
    keys: { privateKey: await toSigningCryptoKey(keys.privateKey), publicKey },
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
  // Going through the PEM loader checks what we just made exactly as a later load will.
  return certificateAuthorityFromPem(
    certificate.toString('pem'),
    keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
}
