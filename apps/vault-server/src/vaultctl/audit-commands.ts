import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { verifyStatus } from '@indicium/crypto-module';
import {
  type AuditEntry,
  AuditExportAnswerSchema,
  fromWireError,
  IndiciumError,
  OFFICER_PATHS,
  toBase64,
} from '@indicium/protocol';
import { AuditReportSchema } from '../auditor/audit-report.js';
import { AUDITOR_PATHS } from '../auditor/auditor-routes.js';
import { verifyExportedAuditKey } from '../auditor/verify-exported-audit-key.js';
import { verifyModuleLog } from '../auditor/verify-module-log.js';
import type { CliContext } from './cli-context.js';
import { remoteModulePort } from './remote-module-port.js';

async function storedEntries(context: CliContext, serial: string): Promise<AuditEntry[]> {
  const path = OFFICER_PATHS.audit.replace('{serial}', encodeURIComponent(serial));
  return (await context.client.get(path, AuditExportAnswerSchema)).entries;
}

/** `vaultctl audit export`: the entries the vault stored for a module, one JSON object per line. */
export async function auditExportCommand(context: CliContext, out: string | undefined): Promise<void> {
  const entries = await storedEntries(context, context.requireModule());
  const lines = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
  if (out === undefined) context.io.stdout.write(lines);
  else {
    await writeFile(out, lines, { mode: 0o600, flag: 'wx' });
    context.say(`${entries.length} entries written to ${out}`);
  }
}

/**
 * `vaultctl audit verify` (DESIGN §3.5): the Auditor exports the audit public key (signed by the
 * module key, checked against the pinned one), a fresh signed Get Status gives the chain head, and
 * `verifyAuditChain` checks the hash chain, sequence, signatures, signing rule and completeness of
 * the entries (from `--file`, or as the vault stored them).
 */
export async function auditVerifyCommand(context: CliContext, file: string | undefined): Promise<boolean> {
  const serial = context.requireModule();
  const pinned = await context.pinnedModuleKey(serial);
  if (pinned === null)
    throw new IndiciumError('INVALID_FIELD', {
      field: 'moduleKey',
      detail: 'give --credentials or --module-key',
    });
  const session = await context.session(serial, context.requireUser());
  let exported: unknown;
  try {
    exported = await session.call(context.requireUser(), 'export-audit-key');
  } finally {
    await session.close();
  }
  // The same checks as the vault's auditor service (src/auditor/), run here without trusting the vault.
  const { auditPublicKey } = verifyExportedAuditKey(serial, exported, pinned);
  const nonce = toBase64(randomBytes(16));
  const outcome = await remoteModulePort(context.client, serial).dispatch({
    command: 'get-status',
    body: { nonce },
  });
  if (!outcome.ok) throw fromWireError(outcome.error);
  const head = verifyStatus(outcome.result, pinned, nonce);
  const entries =
    file === undefined
      ? await storedEntries(context, serial)
      : (await readFile(file, 'utf8'))
          .split('\n')
          .filter((line) => line.trim().length > 0)
          .map((line): unknown => {
            try {
              return JSON.parse(line);
            } catch {
              return null; // reported by verifyAuditChain as a malformed entry at this index
            }
          });
  const verification = verifyModuleLog(entries, { moduleSerial: serial, auditPublicKey, head });
  context.print({
    module: serial,
    entries: entries.length,
    valid: verification.valid,
    problems: verification.problems,
  });
  return verification.valid;
}

/**
 * `vaultctl audit verify-vault`: asks the vault's auditor to verify every module's chain and every
 * meter's AR now (DESIGN §3.5) and prints its report; exit 1 when the report is not valid.
 */
export async function auditVerifyVaultCommand(context: CliContext): Promise<boolean> {
  const report = await context.client.send('POST', AUDITOR_PATHS.verify, undefined, AuditReportSchema);
  context.print(report);
  return report.valid;
}
