import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { caStoreRefused } from './ca-store-refused.js';
import { type CertificateAuthority, certificateAuthorityFromPem } from './certificate-authority.js';
import {
  assertPrivateDirectory,
  ensurePrivateDirectory,
  pathExists,
  readPrivateFile,
  writeNewPrivateFile,
} from './private-files.js';

/** Where one CA lives: `<dir>/<name>.cert.pem` and `<dir>/<name>.key.pem` (PKCS#8). */
export interface CaFiles {
  readonly certificate: string;
  readonly privateKey: string;
}

/** The file paths of the CA called `name` (e.g. `postal-ca`, `dev-ca`) in `dir`. */
export function caFilePaths(dir: string, name: string): CaFiles {
  return { certificate: join(dir, `${name}.cert.pem`), privateKey: join(dir, `${name}.key.pem`) };
}

/**
 * Writes a CA to `dir` (created owner-only, 0700): the key as PKCS#8 PEM, mode 0600, then the
 * certificate. Refuses with `CA_STORE_REFUSED` (reason `exists`) if either file is already there:
 * replacing a CA silently would orphan every certificate it issued and every pin on it.
 */
export async function saveCertificateAuthority(
  dir: string,
  name: string,
  ca: CertificateAuthority,
): Promise<CaFiles> {
  const files = caFilePaths(dir, name);
  await ensurePrivateDirectory(dir);
  for (const path of [files.privateKey, files.certificate]) {
    if (await pathExists(path)) throw caStoreRefused(path, 'exists', 'A CA is already stored here.');
  }
  await writeNewPrivateFile(
    files.privateKey,
    ca.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  await writeNewPrivateFile(files.certificate, ca.certificatePem);
  return files;
}

/**
 * Loads the CA called `name` from `dir`, refusing a key file others can read or a directory others
 * can write (`CA_STORE_REFUSED`, reason `permissions`) and a certificate and key that do not form one valid CA
 * (`CERTIFICATE_INVALID`).
 */
export async function loadCertificateAuthority(dir: string, name: string): Promise<CertificateAuthority> {
  const files = caFilePaths(dir, name);
  await assertPrivateDirectory(dir);
  const privateKeyPem = await readPrivateFile(files.privateKey);
  const certificatePem = await readFile(files.certificate, 'utf8');
  return certificateAuthorityFromPem(certificatePem, privateKeyPem);
}

export interface OpenedCertificateAuthority {
  readonly ca: CertificateAuthority;
  readonly files: CaFiles;
  /** True on first run, when the CA was made now. */
  readonly created: boolean;
}

/**
 * First-run helper: loads the CA if both files exist, creates and saves it if neither does, and
 * refuses (`CA_STORE_REFUSED`, reason `incomplete`) if only one does: a lone key or certificate
 * means something went wrong that an operator must look at, not a reason to make a new CA.
 * One process at a time: run it before starting several vault nodes on one directory.
 */
export async function openCertificateAuthority(
  dir: string,
  name: string,
  create: () => Promise<CertificateAuthority>,
): Promise<OpenedCertificateAuthority> {
  const files = caFilePaths(dir, name);
  const hasKey = await pathExists(files.privateKey);
  const hasCertificate = await pathExists(files.certificate);
  if (hasKey && hasCertificate)
    return { ca: await loadCertificateAuthority(dir, name), files, created: false };
  if (hasKey || hasCertificate) {
    const missing = hasKey ? files.certificate : files.privateKey;
    throw caStoreRefused(missing, 'incomplete', 'Only half of a CA is stored; the other file is missing.');
  }
  const ca = await create();
  await saveCertificateAuthority(dir, name, ca);
  return { ca, files, created: true };
}
