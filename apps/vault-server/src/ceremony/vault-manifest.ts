import { join } from 'node:path';
import { ModuleSerialSchema } from '@indicium/protocol';
import { z } from 'zod';
import { pathExists, readOwnerOnlyFile, replaceOwnerOnlyFile } from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';
import { NodeIdentitySchema } from './node-identity.js';

/**
 * `<dataDir>/vault.json`, written last by the first-run ceremony: its presence says the ceremony
 * finished. It holds no secret: which modules the pool serves, their pinned module keys, the MKS
 * version and key-check value, the crypto-card tokens (sealed under the MKS) that a module
 * added later loads with Update Crypto-Card, and which node of a cluster this is.
 */
export const VAULT_MANIFEST_FORMAT = 'indicium/vault/v1';

export const VaultManifestSchema = z.strictObject({
  format: z.literal(VAULT_MANIFEST_FORMAT),
  createdAt: z.iso.datetime(),
  master: ModuleSerialSchema,
  modules: z.array(
    z.strictObject({
      serial: ModuleSerialSchema,
      modulePublicKey: z.string().min(1).max(512),
      inService: z.boolean(),
    }),
  ),
  mks: z.strictObject({ version: z.number().int().min(1), kcv: z.string().regex(/^[0-9a-f]{32}$/) }),
  shares: z.strictObject({ n: z.number().int().min(2), k: z.number().int().min(2) }),
  cryptoCard: z.record(z.string(), z.union([z.string(), z.number()])),
  /**
   * The crypto-card's public keys (SPKI DER, base64), from Initialize Crypto-Card: the registration
   * key bundle hands them to companions (DESIGN §4.2 step 1). Absent in vaults made before.
   */
  cardPublicKeys: z
    .strictObject({ registration: z.string().min(1).max(1024), clientSecret: z.string().min(1).max(1024) })
    .optional(),
  /** This node of the cluster (DESIGN §10); absent in vaults made before nodes could join. */
  node: NodeIdentitySchema.optional(),
});
export type VaultManifest = z.infer<typeof VaultManifestSchema>;

export function manifestPath(dataDir: string): string {
  return join(dataDir, 'vault.json');
}

export async function readVaultManifest(dataDir: string): Promise<VaultManifest | null> {
  const path = manifestPath(dataDir);
  if (!(await pathExists(path))) return null;
  let json: unknown;
  try {
    json = JSON.parse((await readOwnerOnlyFile(path)).toString('utf8'));
  } catch (error) {
    if ((error as { code?: string }).code === 'VAULT_DATA_REFUSED') throw error;
    throw vaultDataRefused(path, 'malformed', 'not JSON', error);
  }
  const parsed = VaultManifestSchema.safeParse(json);
  if (!parsed.success)
    throw vaultDataRefused(path, 'malformed', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

/** Replaces the manifest atomically (mode 0600: it names the modules and their keys). */
export async function writeVaultManifest(dataDir: string, manifest: VaultManifest): Promise<void> {
  const checked = VaultManifestSchema.parse(manifest);
  await replaceOwnerOnlyFile(manifestPath(dataDir), `${JSON.stringify(checked, null, 2)}\n`);
}
