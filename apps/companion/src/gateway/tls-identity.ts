import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { x509 } from './x509-library.js';

/** A TLS key and its self-signed certificate: the gateway's server identity or an interface's client one. */
export interface TlsIdentity {
  readonly keyPem: string;
  readonly certPem: string;
  /** The certificate's DER, as the peer sees it in the handshake (the pairing transcript). */
  readonly certDer: Uint8Array;
  /** Lower-case hex SHA-256 of the DER: what a peer pins. */
  readonly fingerprint: string;
}

const KEY_FILE = 'tls.key.pem';
const CERT_FILE = 'tls.cert.pem';

/** SHA-256 of a certificate's DER, lower-case hex: the pin (DESIGN §9). */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Reads the identity kept in `dir` (key 0600), or makes one: a P-256 key and a self-signed
 * certificate valid for ten years. Nobody but the paired peer ever trusts it, and the peer trusts
 * exactly this certificate (its fingerprint), so no CA and no host name is involved: an office
 * gateway is reached by a LAN address that changes. It is marked CA so OpenSSL accepts it as the
 * single trust anchor the peer pins.
 */
export async function loadOrCreateTlsIdentity(dir: string, commonName: string): Promise<TlsIdentity> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const existing = await readIdentity(dir);
  if (existing !== undefined) return existing;
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '7'),
    name: `CN=${commonName.replace(/[,+=\\<>#;"]/g, ' ')}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  await writeOwnerOnly(join(dir, KEY_FILE), keyPem);
  await writeOwnerOnly(join(dir, CERT_FILE), certificate.toString('pem'));
  const made = await readIdentity(dir);
  if (made === undefined)
    throw new IndiciumError('INTERNAL_ERROR', { detail: 'the TLS identity was not kept' });
  return made;
}

async function readIdentity(dir: string): Promise<TlsIdentity | undefined> {
  const [keyPem, certPem] = await Promise.all([
    readFile(join(dir, KEY_FILE), 'utf8').catch(() => undefined),
    readFile(join(dir, CERT_FILE), 'utf8').catch(() => undefined),
  ]);
  if (keyPem === undefined || certPem === undefined) return undefined;
  try {
    const certificate = new X509Certificate(certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem)))
      throw new Error('the key is not the certificate’s');
    const certDer = new Uint8Array(certificate.raw);
    return { keyPem, certPem, certDer, fingerprint: certificateFingerprint(certDer) };
  } catch (error) {
    throw new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'tls', details: { dir }, cause: error });
  }
}

async function writeOwnerOnly(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
}
