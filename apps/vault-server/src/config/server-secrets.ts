import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import {
  ensurePrivateDirectory,
  pathExists,
  readPrivateFile,
  writeNewPrivateFile,
} from '../ca/private-files.js';

/** The server's own secrets: keys that protect web sessions, never a default (STYLE "Config"). */
export interface ServerSecrets {
  /** HMAC key binding each CSRF token to its session, and peppering stored session hashes. */
  readonly sessionKey: Buffer;
}

const KEY_BYTES = 32;
export const SERVER_SECRETS_FILE = 'server-secrets.json';

function parseSecrets(text: string, path: string): ServerSecrets {
  let sessionKey: Buffer | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const value = (parsed as { sessionKey?: unknown }).sessionKey;
    if (typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value))
      sessionKey = Buffer.from(value, 'base64');
  } catch {
    sessionKey = undefined;
  }
  if (sessionKey?.length !== KEY_BYTES) {
    // A damaged secrets file is for the operator to look at: replacing it would log everyone out
    // and hide whatever damaged it.
    throw new IndiciumError('INVALID_FIELD', {
      field: 'serverSecrets',
      detail: `${path} is not a valid secrets file; move it away to make a new one.`,
    });
  }
  return Object.freeze({ sessionKey });
}

/**
 * Loads `<dir>/server-secrets.json`, creating it on first run with fresh random keys, owner-only
 * (0600 in a 0700 directory). A file others can read is refused (`CA_STORE_REFUSED`, permissions):
 * its keys must be taken as disclosed.
 *
 * @example
 * const { sessionKey } = await ensureServerSecrets(join(config.dataDir, 'secrets'));
 */
export async function ensureServerSecrets(dir: string): Promise<ServerSecrets> {
  const path = join(dir, SERVER_SECRETS_FILE);
  if (!(await pathExists(path))) return writeServerSecrets(dir, { sessionKey: randomBytes(KEY_BYTES) });
  await ensurePrivateDirectory(dir);
  return parseSecrets(await readPrivateFile(path), path);
}

/**
 * Writes `<dir>/server-secrets.json` with the given keys, never over an existing file
 * (`CA_STORE_REFUSED`, reason `exists`): a node joining a cluster takes the cluster's session key
 * from its join kit (DESIGN §10), so a cookie one node set is good on every other.
 */
export async function writeServerSecrets(dir: string, secrets: ServerSecrets): Promise<ServerSecrets> {
  await ensurePrivateDirectory(dir);
  const path = join(dir, SERVER_SECRETS_FILE);
  if (secrets.sessionKey.length !== KEY_BYTES) {
    throw new IndiciumError('INVALID_FIELD', { field: 'sessionKey', detail: `${KEY_BYTES} bytes` });
  }
  await writeNewPrivateFile(
    path,
    `${JSON.stringify({ sessionKey: secrets.sessionKey.toString('base64') })}\n`,
  );
  return parseSecrets(await readPrivateFile(path), path);
}

/** Reads `<dir>/server-secrets.json` without making one: `null` when there is none. */
export async function readServerSecrets(dir: string): Promise<ServerSecrets | null> {
  const path = join(dir, SERVER_SECRETS_FILE);
  if (!(await pathExists(path))) return null;
  return parseSecrets(await readPrivateFile(path), path);
}
