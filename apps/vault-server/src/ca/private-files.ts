import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { caStoreRefused } from './ca-store-refused.js';

const OWNER_ONLY_DIRECTORY = 0o700;
const OWNER_ONLY_FILE = 0o600;
const GROUP_OR_OTHER = 0o077;
const GROUP_OR_OTHER_WRITE = 0o022;
// POSIX modes mean nothing on Windows; there the directory's ACL is the operator's to set.
const POSIX_MODES = process.platform !== 'win32';

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Refuses (`CA_STORE_REFUSED`, reason `permissions`) a directory that group or others may write:
 * whoever can rename files in it can swap the CA, key and certificate both, for their own.
 */
export async function assertPrivateDirectory(dir: string): Promise<void> {
  if (!POSIX_MODES) return;
  const mode = (await stat(dir)).mode;
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) {
    throw caStoreRefused(
      dir,
      'permissions',
      `The directory is writable by others (mode ${(mode & 0o777).toString(8)}); it must be 700 or 755.`,
    );
  }
}

/**
 * Creates `dir` (and parents) owner-only; a directory we create is chmod-ed too, whatever the
 * umask. An existing directory must pass `assertPrivateDirectory`.
 */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  if (created !== undefined && POSIX_MODES) await chmod(dir, OWNER_ONLY_DIRECTORY);
  await assertPrivateDirectory(dir);
}

async function writeOwnerOnly(path: string, data: string): Promise<void> {
  // 'wx' = O_CREAT|O_EXCL: never follows or replaces an existing file, so nothing is overwritten silently.
  const handle = await open(path, 'wx', OWNER_ONLY_FILE);
  try {
    if (POSIX_MODES) await handle.chmod(OWNER_ONLY_FILE);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a new owner-only file; refuses with `CA_STORE_REFUSED` (reason `exists`) if it exists. */
export async function writeNewPrivateFile(path: string, data: string): Promise<void> {
  try {
    await writeOwnerOnly(path, data);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) throw caStoreRefused(path, 'exists', 'The file already exists.', error);
    throw error;
  }
}

/**
 * Replaces a file atomically with an owner-only one (write a temporary file, sync, rename), so a
 * reader or a crash sees the old content or the new, never half of either. For files meant to
 * be replaced, such as a renewed TLS leaf; never for a CA.
 */
export async function replacePrivateFile(path: string, data: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeOwnerOnly(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** True when the path exists (whatever it is); other errors propagate. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * Reads a private file, refusing (`CA_STORE_REFUSED`, reason `permissions`) one that its group or
 * others may access: a key that others could have read must be treated as disclosed, the same
 * rule OpenSSH applies to identity files.
 */
export async function readPrivateFile(path: string): Promise<string> {
  const info = await stat(path);
  if (POSIX_MODES && (info.mode & GROUP_OR_OTHER) !== 0) {
    throw caStoreRefused(
      path,
      'permissions',
      `The key file is accessible to others (mode ${(info.mode & 0o777).toString(8)}); it must be 600.`,
    );
  }
  return readFile(path, 'utf8');
}
