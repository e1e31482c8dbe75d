import type { ModulePort } from '@indicium/crypto-module';
import { IndiciumError } from '@indicium/protocol';
import { OfficerSession } from '../officers/officer-session.js';
import { readOfficersFile } from '../officers/officers-file.js';

export interface ExportAuditKeyOptions {
  readonly moduleSerial: string;
  /** The module key pinned at Start Initialization: the session half must verify under it. */
  readonly modulePublicKey: string;
  /** `<dataDir>/officers.json`, where the first run left the Auditor's credentials. */
  readonly officersPath: string;
}

/**
 * Export Audit Key needs a logged-on Auditor (DESIGN §3.2, §3.3): the vault runs it over a real
 * officer session, as the Auditor, with the credentials the unattended first run generated. Once
 * the operators have moved those credentials away, a module's key is exported by hand with
 * `vaultctl --as auditor export-audit-key` and recorded through the auditor's key file; until then
 * the auditor reports the module as `audit-key-unavailable`. Returns the module's raw answer, to
 * be checked with `verifyExportedAuditKey`.
 */
export async function exportAuditKey(port: ModulePort, options: ExportAuditKeyOptions): Promise<unknown> {
  const officers = await readOfficersFile(options.officersPath);
  const module = officers.modules.find((m) => m.serial === options.moduleSerial);
  const auditor = module?.officers.find((o) => o.role === 'auditor');
  if (auditor === undefined) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'officers',
      detail: `no Auditor credentials for ${options.moduleSerial}`,
    });
  }
  const session = new OfficerSession(port, {
    moduleSerial: options.moduleSerial,
    modulePublicKey: options.modulePublicKey,
    officers: [auditor],
  });
  await session.open();
  try {
    return await session.call(auditor.userId, 'export-audit-key');
  } finally {
    await session.close();
  }
}
