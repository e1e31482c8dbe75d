import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ModuleSerialSchema } from '@indicium/protocol';
import {
  ensureOwnerOnlyDirectory,
  pathExists,
  readOwnerOnlyFile,
  writeNewOwnerOnlyFile,
} from './owner-only-files.js';
import { vaultDataRefused } from './vault-data-refused.js';

/** 32 bytes: the AES-256-GCM key that seals a module's NVM file (crypto-module `nvm-seal.ts`). */
export const STORAGE_KEY_BYTES = 32;

/** Where one module lives: `<dataDir>/modules/<serial>/{nvm.bin,storage.key}`. */
export interface ModuleFiles {
  readonly serial: string;
  readonly dir: string;
  readonly nvmPath: string;
  readonly storageKeyPath: string;
}

export function modulesDir(dataDir: string): string {
  return join(dataDir, 'modules');
}

export function moduleFiles(dataDir: string, serial: string): ModuleFiles {
  // The serial becomes a path segment: only the protocol's alphabet, never `..` or `/`.
  const parsed = ModuleSerialSchema.safeParse(serial);
  if (!parsed.success) throw vaultDataRefused(serial, 'malformed', 'not a module serial');
  const dir = join(modulesDir(dataDir), serial);
  return { serial, dir, nvmPath: join(dir, 'nvm.bin'), storageKeyPath: join(dir, 'storage.key') };
}

/** The serials of the modules under `<dataDir>/modules`, sorted; none when the folder is absent. */
export async function listModuleSerials(dataDir: string): Promise<string[]> {
  const dir = modulesDir(dataDir);
  if (!(await pathExists(dir))) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && ModuleSerialSchema.safeParse(e.name).success)
    .map((e) => e.name)
    .sort();
}

/**
 * The vault's own serial scheme: `<prefix>M0001`, `<prefix>M0002`…, the next after the highest
 * present with that prefix. A node that joined a cluster has its own prefix (`N<node id>-`, in
 * vault.json), so serials never collide in the shared module table and audit log (DESIGN §10);
 * the first node's prefix is empty.
 */
export function nextModuleSerial(existing: readonly string[], prefix = ''): string {
  const numbers = existing
    .map((s) => (s.startsWith(prefix) ? /^M(\d+)$/.exec(s.slice(prefix.length))?.[1] : undefined))
    .filter((n) => n !== undefined);
  const next = numbers.reduce((max, n) => Math.max(max, Number(n)), 0) + 1;
  return `${prefix}M${String(next).padStart(4, '0')}`;
}

/**
 * Creates a module's folder and its local storage key (32 random bytes, mode 0600) if absent. The
 * software module keeps this key in a file beside the NVM it seals; a hardware module keeps it in
 * battery-backed or fused storage that never leaves the device, which a file cannot imitate:
 * whoever reads this file and the NVM holds the module's secrets.
 */
export async function ensureModuleFiles(dataDir: string, serial: string): Promise<ModuleFiles> {
  const files = moduleFiles(dataDir, serial);
  await ensureOwnerOnlyDirectory(modulesDir(dataDir));
  await ensureOwnerOnlyDirectory(files.dir);
  if (!(await pathExists(files.storageKeyPath))) {
    if (await pathExists(files.nvmPath)) {
      // An NVM without its key can never be opened again; making a new key would hide that.
      throw vaultDataRefused(files.storageKeyPath, 'missing', 'the NVM exists but its storage key does not');
    }
    await writeNewOwnerOnlyFile(files.storageKeyPath, randomBytes(STORAGE_KEY_BYTES));
  }
  await readStorageKey(files.storageKeyPath); // refuse a loose mode or a wrong length here, in the host
  return files;
}

/** Reads a module's storage key, refusing a loose mode or a wrong length. */
export async function readStorageKey(path: string): Promise<Uint8Array> {
  const key = await readOwnerOnlyFile(path);
  if (key.length !== STORAGE_KEY_BYTES) {
    throw vaultDataRefused(
      path,
      'malformed',
      `a storage key is ${STORAGE_KEY_BYTES} bytes, not ${key.length}`,
    );
  }
  return new Uint8Array(key);
}
