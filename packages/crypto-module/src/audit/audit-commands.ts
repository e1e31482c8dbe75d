import {
  AuditKeyLayout,
  CreateAuditEntryRequestSchema,
  EmptyRequestSchema,
  fromBase64,
  IndiciumError,
  toBase64,
} from '@indicium/protocol';
import { type CommandSpec, defineCommand, stay } from '../commands/command-spec.js';
import { acknowledgeAudit, readAuditOutbox } from './audit-outbox-commands.js';

/** Create Audit Entry (DESIGN §3.3): the host asks for a signed entry, e.g. every N entries or to close a log. */
export const createAuditEntry = defineCommand({
  name: 'create-audit-entry',
  summary: 'Makes a signed audit entry on request (a signed checkpoint of the chain).',
  design: 'DESIGN §3.3, §3.5',
  states: ['I', 'O', 'A', 'X', 'M', 'E'],
  role: 'none',
  auth: 'none',
  audit: 'signed-entry',
  next: stay,
  request: CreateAuditEntryRequestSchema,
  handler: (ctx, body) => {
    if (ctx.nvm.get('module').auditPrivateKey === null) {
      throw new IndiciumError('MODULE_ERROR_STATE', { detail: 'no audit signing key' });
    }
    return { result: {}, auditData: body.reason === undefined ? {} : { reason: body.reason } };
  },
});

/** Export Audit Key (DESIGN §3.3, §3.5): the Auditor takes the audit public key, signed by the module key. */
export const exportAuditKey = defineCommand({
  name: 'export-audit-key',
  summary: "The audit signing key's public half, signed by the module key.",
  design: 'DESIGN §3.3, §3.5',
  states: ['O'],
  role: 'auditor',
  auth: 'session+logon',
  audit: 'entry',
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => {
    const auditPublicKey = ctx.nvm.get('module').auditPublicKey;
    if (auditPublicKey === null) throw new IndiciumError('MODULE_ERROR_STATE', { detail: 'no audit key' });
    const signature = ctx.signWithModuleKey(
      AuditKeyLayout.encode({ moduleSerial: ctx.moduleSerial, auditPublicKey: fromBase64(auditPublicKey) }),
    );
    return { result: { auditPublicKey, signature: toBase64(signature) } };
  },
});

export const auditCommands: readonly CommandSpec[] = Object.freeze([
  createAuditEntry,
  exportAuditKey,
  readAuditOutbox,
  acknowledgeAudit,
]);
