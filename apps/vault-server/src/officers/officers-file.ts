import { ModuleSerialSchema, OfficerRoleSchema, UserIdSchema } from '@indicium/protocol';
import { z } from 'zod';
import { readOwnerOnlyFile, replaceOwnerOnlyFile, writeNewOwnerOnlyFile } from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';

/**
 * `<dataDir>/officers.json`: the officer credentials the unattended first run generated (DESIGN
 * §6), mode 0600. Each module has its own officers and passphrases; the module public key pinned
 * at Start Initialization travels with them, so `vaultctl` can check the module's signed session
 * half without trusting the vault process in between. Operators should move the passphrases to
 * the people who hold each role (and change them with `vaultctl change-password`), then delete
 * or lock away this file.
 */
export const OFFICERS_FILE_FORMAT = 'indicium/officers/v1';

export const OfficerCredentialSchema = z.strictObject({
  userId: UserIdSchema,
  role: OfficerRoleSchema,
  passphrase: z.string().min(12).max(1024),
});
export type OfficerCredential = z.infer<typeof OfficerCredentialSchema>;

export const ModuleCredentialsSchema = z.strictObject({
  serial: ModuleSerialSchema,
  /** How the module got its MKS: generated it, or cloned it through shares. */
  origin: z.enum(['master', 'clone']),
  /** SPKI DER, base64: the module key that signs its status and session halves. */
  modulePublicKey: z.string().min(1).max(512),
  officers: z.array(OfficerCredentialSchema).min(1),
});
export type ModuleCredentials = z.infer<typeof ModuleCredentialsSchema>;

export const OfficersFileSchema = z.strictObject({
  format: z.literal(OFFICERS_FILE_FORMAT),
  createdAt: z.iso.datetime(),
  modules: z.array(ModuleCredentialsSchema),
});
export type OfficersFile = z.infer<typeof OfficersFileSchema>;

function serialise(file: OfficersFile): string {
  return `${JSON.stringify(OfficersFileSchema.parse(file), null, 2)}\n`;
}

/** Writes a new officers file (never over an existing one: those credentials may be the only copy). */
export async function writeNewOfficersFile(path: string, file: OfficersFile): Promise<void> {
  await writeNewOwnerOnlyFile(path, serialise(file));
}

/** Replaces an officers file atomically (adding a module's officers to it). */
export async function replaceOfficersFile(path: string, file: OfficersFile): Promise<void> {
  await replaceOwnerOnlyFile(path, serialise(file));
}

/** Reads and checks an officers file; a mode others may read is refused (its passphrases are disclosed). */
export async function readOfficersFile(path: string): Promise<OfficersFile> {
  const text = (await readOwnerOnlyFile(path)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw vaultDataRefused(path, 'malformed', 'not JSON', error);
  }
  const parsed = OfficersFileSchema.safeParse(json);
  if (!parsed.success)
    throw vaultDataRefused(path, 'malformed', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

/** The credentials of `userId` at module `serial`; VAULT_DATA_REFUSED (`missing`) if absent. */
export function findOfficer(
  file: OfficersFile,
  serial: string,
  userId: string,
): { module: ModuleCredentials; officer: OfficerCredential } {
  const module = file.modules.find((m) => m.serial === serial);
  if (module === undefined)
    throw vaultDataRefused(serial, 'missing', `no module ${serial} in the officers file`);
  const officer = module.officers.find((o) => o.userId === userId);
  if (officer === undefined) {
    throw vaultDataRefused(
      serial,
      'missing',
      `no officer ${userId} for module ${serial} in the officers file`,
    );
  }
  return { module, officer };
}
