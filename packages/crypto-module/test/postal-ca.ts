/**
 * A throw-away sample postal CA for tests (DESIGN §5): makes meter certificates with
 * `@peculiar/x509` (a devDependency: node:crypto cannot make certificates), which the module then
 * checks with node:crypto `X509Certificate` alone, as `apps/vault-server/src/ca/` does.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// The two-argument overload: its parameter type is `Crypto` whatever `lib` a workspace compiles with.
x509.cryptoProvider.set(
  x509.CryptoProvider.DEFAULT,
  webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1],
);

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const CERT_NOT_BEFORE = new Date(Date.UTC(2026, 0, 1));
export const CERT_NOT_AFTER = new Date(Date.UTC(2029, 0, 1));

export interface MeterCertificateOptions {
  readonly subject?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly ca?: boolean;
}

export class TestPostalCa {
  readonly pem: string;
  readonly #keys: webcrypto.CryptoKeyPair;
  readonly #certificate: x509.X509Certificate;

  private constructor(keys: webcrypto.CryptoKeyPair, certificate: x509.X509Certificate) {
    this.#keys = keys;
    this.#certificate = certificate;
    this.pem = certificate.toString('pem');
  }

  static async create(name = 'CN=Indicium Test Postal CA'): Promise<TestPostalCa> {
    const keys = (await webcrypto.subtle.generateKey(ECDSA, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name,
      notBefore: CERT_NOT_BEFORE,
      notAfter: new Date(Date.UTC(2036, 0, 1)),
      keys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    return new TestPostalCa(keys, certificate);
  }

  /** A meter certificate (DER, base64) for a device id and SPKI public key (base64), serial < 2^31. */
  async issue(
    meterId: string,
    publicKeySpki: string,
    serial: number,
    options: MeterCertificateOptions = {},
  ): Promise<string> {
    const publicKey = await webcrypto.subtle.importKey(
      'spki',
      Buffer.from(publicKeySpki, 'base64'),
      ECDSA,
      true,
      ['verify'],
    );
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial.toString(16).padStart(8, '0'),
      subject: options.subject ?? `CN=${meterId}`,
      issuer: this.#certificate.subject,
      notBefore: options.notBefore ?? CERT_NOT_BEFORE,
      notAfter: options.notAfter ?? CERT_NOT_AFTER,
      signingKey: this.#keys.privateKey,
      publicKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(options.ca ?? false, undefined, true),
        new x509.KeyUsagesExtension(
          options.ca === true
            ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign
            : x509.KeyUsageFlags.digitalSignature,
          true,
        ),
      ],
    });
    return Buffer.from(certificate.rawData).toString('base64');
  }
}
