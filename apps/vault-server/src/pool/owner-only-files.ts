import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { vaultDataRefused } from './vault-data-refused.js';

// POSIX modes mean nothing on Windows; there the data directory's ACL is the operator's to set.
const POSIX_MODES = process.platform !== 'win32';
const GROUP_OR_OTHER = 0o077;
const GROUP_OR_OTHER_WRITE = 0o022;

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Creates `dir` (and parents) mode 0700, whatever the umask, and refuses an existing one that
 * group or others may write: whoever can rename files in it can swap a module's NVM or key.
 */
export async function ensureOwnerOnlyDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined && POSIX_MODES) await chmod(dir, 0o700);
  if (!POSIX_MODES) return;
  const mode = (await stat(dir)).mode;
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) {
    throw vaultDataRefused(dir, 'permissions', `writable by others (mode ${(mode & 0o777).toString(8)})`);
  }
}

async function writeExclusive(path: string, data: string | Uint8Array): Promise<void> {
  // O_CREAT|O_EXCL: never follows or replaces an existing file.
  const handle = await open(path, 'wx', 0o600);
  try {
    if (POSIX_MODES) await handle.chmod(0o600);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a new mode-0600 file, durably; refuses (`exists`) to replace one. */
export async function writeNewOwnerOnlyFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeExclusive(path, data);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) throw vaultDataRefused(path, 'exists', 'the file already exists', error);
    throw error;
  }
}

/** Replaces a file atomically (temporary file, sync, rename) with a mode-0600 one. */
export async function replaceOwnerOnlyFile(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeExclusive(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Reads a file that must be private, refusing (`permissions`) one that group or others may
 * access: a key others could read must be treated as disclosed (the rule OpenSSH applies), and
 * refusing is the only way the operator learns of it. A missing file is `missing`.
 */
export async function readOwnerOnlyFile(path: string): Promise<Buffer> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) throw vaultDataRefused(path, 'missing', 'the file does not exist', error);
    throw error;
  }
  if (POSIX_MODES && (mode & GROUP_OR_OTHER) !== 0) {
    throw vaultDataRefused(path, 'permissions', `accessible to others (mode ${(mode & 0o777).toString(8)})`);
  }
  return readFile(path);
}

/** True when the path exists; other errors propagate. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
