import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { type CaFiles, openCertificateAuthority } from './ca-store.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { createDevelopmentCa } from './create-development-ca.js';
import { isIssuedBy } from './is-issued-by.js';
import { issueServerCertificate } from './issue-server-certificate.js';
import { generateP256KeyPair } from './p256-key-pair.js';
import { ensurePrivateDirectory, pathExists, readPrivateFile, replacePrivateFile } from './private-files.js';
import { type SubjectAltNames, subjectAltNames } from './subject-alt-names.js';
import { assertWithinValidity } from './validity-period.js';

/** The development CA's file name stem; the server leaf is `server.key.pem` / `server.cert.pem`. */
export const DEVELOPMENT_CA_NAME = 'dev-ca';

export interface DevTlsOptions {
  /** Host names or IP addresses to serve beside localhost, 127.0.0.1 and ::1. */
  readonly extraNames?: readonly string[];
  /** Re-issue the leaf when it has fewer days than this left. Default 30. */
  readonly renewWithinDays?: number;
  /** The clock (tests). Default: the system clock. */
  readonly now?: Date;
}

/** PEMs ready for `https.createServer({ key, cert })`; `ca` is what clients must trust. */
export interface DevTls {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
  readonly files: { readonly key: string; readonly cert: string; readonly ca: CaFiles };
  /** True when the leaf was issued by this call (first run, near expiry, names or CA changed). */
  readonly issued: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RENEW_WITHIN_DAYS = 30;

/** Whether the stored leaf can keep serving: parses, pairs with its key, chains, is fresh, covers every name. */
function leafIsCurrent(
  certPem: string,
  keyPem: string,
  ca: CertificateAuthority,
  names: SubjectAltNames,
  now: Date,
  renewWithinMs: number,
): boolean {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
    if (!createPublicKey(createPrivateKey(keyPem)).equals(leaf.publicKey)) return false;
  } catch {
    return false;
  }
  if (!isIssuedBy(leaf, ca.certificate)) return false;
  const notBefore = new Date(leaf.validFrom).getTime();
  const notAfter = new Date(leaf.validTo).getTime();
  // NaN (unreadable dates) fails both comparisons below, so such a leaf is re-issued too.
  if (!(notBefore <= now.getTime() && notAfter - now.getTime() >= renewWithinMs)) return false;
  return (
    names.dns.every((name) => leaf.checkHost(name, { wildcards: false }) === name) &&
    names.ip.every((address) => leaf.checkIP(address) !== undefined)
  );
}

/**
 * Makes sure `dir` holds a local development TLS CA and a server certificate for
 * `https://localhost:8443` (DESIGN §6: made on first run; operators may supply their own instead).
 * Creates the CA once and never replaces it (`CA_STORE_REFUSED` if half of it is missing); keeps
 * the leaf while it is valid for the requested names and more than `renewWithinDays` from expiry,
 * otherwise issues a new one with a new key. Keys are written 0600 in a 0700 directory.
 *
 * @example
 * const tls = await ensureDevTls('/var/lib/indicium/tls');
 * https.createServer({ key: tls.key, cert: tls.cert }, app).listen(8443);
 */
export async function ensureDevTls(dir: string, options: DevTlsOptions = {}): Promise<DevTls> {
  const now = options.now ?? new Date();
  const names = subjectAltNames(options.extraNames);
  const renewWithinDays = options.renewWithinDays ?? DEFAULT_RENEW_WITHIN_DAYS;
  if (!Number.isFinite(renewWithinDays) || renewWithinDays < 0) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'renewWithinDays',
      detail: 'Expected a number of days ≥ 0.',
    });
  }
  const renewWithinMs = renewWithinDays * DAY_MS;
  await ensurePrivateDirectory(dir);
  const opened = await openCertificateAuthority(dir, DEVELOPMENT_CA_NAME, () => createDevelopmentCa({ now }));
  // An expired development CA is for the operator to retire (delete its files), not for us to swap.
  assertWithinValidity(opened.ca.certificate, now, 'caCertificate');
  const files = { key: join(dir, 'server.key.pem'), cert: join(dir, 'server.cert.pem'), ca: opened.files };

  if ((await pathExists(files.key)) && (await pathExists(files.cert))) {
    const key = await readPrivateFile(files.key);
    const cert = await readFile(files.cert, 'utf8');
    if (leafIsCurrent(cert, key, opened.ca, names, now, renewWithinMs)) {
      return { key, cert, ca: opened.ca.certificatePem, files, issued: false };
    }
  }
  const keys = await generateP256KeyPair();
  const cert = await issueServerCertificate(opened.ca, {
    publicKey: keys.publicKey,
    extraNames: [...names.dns, ...names.ip],
    now,
  });
  const key = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Key first: a crash between the two renames leaves a pair that fails the key match above and is re-issued.
  await replacePrivateFile(files.key, key);
  await replacePrivateFile(files.cert, cert);
  return { key, cert, ca: opened.ca.certificatePem, files, issued: true };
}
