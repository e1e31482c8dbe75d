import { join } from 'node:path';
import { IndiciumError, ModuleSerialSchema } from '@indicium/protocol';
import { z } from 'zod';
import {
  ensureOwnerOnlyDirectory,
  pathExists,
  readOwnerOnlyFile,
  replaceOwnerOnlyFile,
} from '../pool/owner-only-files.js';
import { vaultDataRefused } from '../pool/vault-data-refused.js';
import { type ExportedAuditKey, verifyExportedAuditKey } from './verify-exported-audit-key.js';

export const AUDIT_KEYS_FORMAT = 'indicium/audit-keys/v1';

const AuditKeysFileSchema = z.strictObject({
  format: z.literal(AUDIT_KEYS_FORMAT),
  keys: z.array(
    z.strictObject({
      moduleSerial: ModuleSerialSchema,
      auditPublicKey: z.string().min(1).max(512),
      signature: z.string().min(1).max(128),
    }),
  ),
});

/** The module keys pinned at Start Initialization, by serial (from `vault.json`). */
export type PinnedModuleKeys = (serial: string) => string | undefined;

/**
 * The audit public keys the Auditor exported, one per module, kept in
 * `<dataDir>/auditor/audit-keys.json` (0600) so each module's key is exported once (DESIGN §3.5:
 * "the Auditor exports its public half"). Each key is stored with the module key's signature and
 * re-checked against the pinned module key whenever it is used: a key edited at rest is refused
 * (`SIGNATURE_INVALID`), never trusted.
 */
export interface AuditKeyBook {
  /** The verified key of a module, or null if none was exported yet. */
  get(moduleSerial: string): Promise<ExportedAuditKey | null>;
  /** Verifies and records an Export Audit Key answer. */
  put(moduleSerial: string, answer: unknown): Promise<ExportedAuditKey>;
}

export function auditKeysPath(dataDir: string): string {
  return join(dataDir, 'auditor', 'audit-keys.json');
}

export function openAuditKeyBook(dataDir: string, pinned: PinnedModuleKeys): AuditKeyBook {
  const path = auditKeysPath(dataDir);
  let cache: Map<string, ExportedAuditKey> | null = null;

  const pinnedKey = (serial: string): string => {
    const key = pinned(serial);
    if (key === undefined) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'moduleSerial',
        detail: `no pinned module key for ${serial}`,
      });
    }
    return key;
  };

  async function load(): Promise<Map<string, ExportedAuditKey>> {
    if (cache !== null) return cache;
    const keys = new Map<string, ExportedAuditKey>();
    if (await pathExists(path)) {
      let json: unknown;
      try {
        json = JSON.parse((await readOwnerOnlyFile(path)).toString('utf8'));
      } catch (error) {
        throw vaultDataRefused(path, 'malformed', 'not JSON', error);
      }
      const parsed = AuditKeysFileSchema.safeParse(json);
      if (!parsed.success) throw vaultDataRefused(path, 'malformed', 'not an audit keys file');
      for (const { moduleSerial, ...exported } of parsed.data.keys) keys.set(moduleSerial, exported);
    }
    cache = keys;
    return keys;
  }

  return {
    async get(moduleSerial) {
      const found = (await load()).get(moduleSerial);
      if (found === undefined) return null;
      return verifyExportedAuditKey(moduleSerial, found, pinnedKey(moduleSerial));
    },
    async put(moduleSerial, answer) {
      const verified = verifyExportedAuditKey(moduleSerial, answer, pinnedKey(moduleSerial));
      const keys = new Map(await load());
      keys.set(moduleSerial, verified);
      await ensureOwnerOnlyDirectory(join(path, '..'));
      const file = {
        format: AUDIT_KEYS_FORMAT,
        keys: [...keys].map(([serial, key]) => ({ moduleSerial: serial, ...key })),
      };
      await replaceOwnerOnlyFile(path, `${JSON.stringify(file, null, 2)}\n`);
      cache = keys;
      return verified;
    },
  };
}
