import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { verifyAuditChain, verifyStatus } from '@indicium/crypto-module';
import {
  type AuditEntry,
  AuditExportAnswerSchema,
  AuditKeyLayout,
  ExportAuditKeyAnswerSchema,
  fromBase64,
  fromWireError,
  IndiciumError,
  OFFICER_PATHS,
  toBase64,
} from '@indicium/protocol';
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
  const { auditPublicKey, signature } = ExportAuditKeyAnswerSchema.parse(exported);
  const signed = AuditKeyLayout.encode({ moduleSerial: serial, auditPublicKey: fromBase64(auditPublicKey) });
  const moduleKey = createPublicKey({ key: Buffer.from(pinned, 'base64'), format: 'der', type: 'spki' });
  if (!verify('sha256', signed, { key: moduleKey, dsaEncoding: 'ieee-p1363' }, fromBase64(signature))) {
    throw new IndiciumError('SIGNATURE_INVALID', {
      field: 'auditPublicKey',
      detail: 'not signed by the pinned module key',
    });
  }
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
  const verification = verifyAuditChain(entries, auditPublicKey, { moduleSerial: serial, head });
  context.print({
    module: serial,
    entries: entries.length,
    valid: verification.valid,
    problems: verification.problems,
  });
  return verification.valid;
}
