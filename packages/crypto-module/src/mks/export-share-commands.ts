import { EmptyRequestSchema, IndiciumError } from '@indicium/protocol';
import { decided, defineCommand, to } from '../commands/command-spec.js';
import { createShareCeremony, exportShare } from './export-ceremony.js';
import { keyFingerprint } from './key-fingerprint.js';
import { findMks, moduleSigningKey, officerId } from './mks-context.js';
import { CreateMksSharesRequestSchema, ExportMksShareRequestSchema } from './mks-requests.js';
import { verifyTransportKey } from './transport-key.js';

/**
 * Create MKS Shares (DESIGN §3.3): the SO splits an exportable MKS into n shares, threshold k, and
 * the module enters Exporting Shares. A retained MKS is refused with SHARE_NOT_EXPORTABLE.
 */
export const createMksSharesCommand = defineCommand({
  name: 'create-mks-shares',
  summary: 'Splits an exportable MKS into n shares, threshold k (O → X).',
  design: 'DESIGN §3.4',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('X'),
  request: CreateMksSharesRequestSchema,
  handler: async (ctx, body) => {
    const section = ctx.nvm.get('mks');
    const mks = body.mksVersion === undefined ? section.active : findMks(section, body.mksVersion);
    if (mks === null) {
      if (body.mksVersion === undefined) throw new IndiciumError('MKS_MISSING');
      throw new IndiciumError('INVALID_FIELD', {
        field: 'mksVersion',
        detail: 'this module holds no such MKS',
      });
    }
    const ceremony = await createShareCeremony(mks, body.n, body.k, ctx.now);
    ctx.nvm.set('mks', { ...section, exportCeremony: ceremony });
    const facts = { ceremonyId: ceremony.ceremonyId, mksVersion: mks.version, n: body.n, k: body.k };
    return {
      result: facts,
      auditData: { ...facts, mksVersion: String(mks.version), n: String(body.n), k: String(body.k) },
    };
  },
});

/**
 * Export MKS Share (DESIGN §3.3): one share per Key Custodian, encrypted to the destination TPK the
 * custodian confirmed by fingerprint, marked exportable or retained. The last share returns the
 * module to Operational.
 */
export const exportMksShareCommand = defineCommand({
  name: 'export-mks-share',
  summary: "Exports one share to a destination's transport key; the last one → O.",
  design: 'DESIGN §3.4',
  states: ['X'],
  role: 'key-custodian',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: decided('X', 'O'),
  request: ExportMksShareRequestSchema,
  handler: (ctx, body) => {
    const section = ctx.nvm.get('mks');
    const ceremony = section.exportCeremony;
    if (ceremony === null) throw new IndiciumError('WRONG_STATE', { detail: 'no export ceremony' });
    const mks = findMks(section, ceremony.mksVersion);
    if (mks === null) throw new IndiciumError('MKS_MISSING', { field: 'mksVersion' });
    const destination = verifyTransportKey(body.transportKey, body.destinationFingerprint);
    const key = moduleSigningKey(ctx);
    const custodianId = officerId(ctx);
    const out = exportShare(ceremony, mks, {
      custodianId,
      destination,
      exportable: body.exportable,
      moduleKey: key,
      now: ctx.now,
    });
    ctx.nvm.set('mks', { ...section, exportCeremony: out.next });
    const remaining = out.next?.pending.length ?? 0;
    return {
      result: {
        share: out.envelope,
        index: out.record.index,
        remaining,
        sourceFingerprint: keyFingerprint(key.publicKeySpki),
      },
      next: out.next === null ? 'O' : 'X',
      auditData: {
        ceremonyId: ceremony.ceremonyId,
        mksVersion: String(ceremony.mksVersion),
        index: String(out.record.index),
        custodianId,
        destinationFingerprint: destination.fingerprint,
        destinationModuleKey: destination.moduleKeyFingerprint,
        exportable: String(body.exportable),
      },
    };
  },
});

/** Abort Export (DESIGN §3.3): the SO ends the ceremony; shares not yet exported are destroyed. */
export const abortExportCommand = defineCommand({
  name: 'abort-export',
  summary: 'Ends an export ceremony, destroying the shares not yet exported (X → O).',
  design: 'DESIGN §3.4',
  states: ['X'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('O'),
  request: EmptyRequestSchema,
  handler: (ctx) => {
    const section = ctx.nvm.get('mks');
    const ceremony = section.exportCeremony;
    ctx.nvm.set('mks', { ...section, exportCeremony: null });
    const facts = {
      ceremonyId: ceremony?.ceremonyId ?? 'none',
      exported: String(ceremony?.exported.length ?? 0),
      destroyed: String(ceremony?.pending.length ?? 0),
    };
    return { result: facts, auditData: facts };
  },
});
