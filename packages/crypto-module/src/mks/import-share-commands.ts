import { EmptyRequestSchema, IndiciumError } from '@indicium/protocol';
import { decided, defineCommand, stay, to } from '../commands/command-spec.js';
import { acceptShare, combineShares, emptyImportCeremony } from './import-ceremony.js';
import { kcvHex, officerId } from './mks-context.js';
import { ImportMksShareRequestSchema } from './mks-requests.js';
import { openShareEnvelope } from './open-share-envelope.js';

/** Start Importing MKS (DESIGN §3.3): a clone in Operational prepares for a replacement MKS. */
export const startImportingMksCommand = defineCommand({
  name: 'start-importing-mks',
  summary: 'Prepares a clone to import a replacement MKS (O → M).',
  design: 'DESIGN §3.4',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('M'),
  request: EmptyRequestSchema,
  handler: (ctx) => {
    const section = ctx.nvm.get('mks');
    if (section.transportKey === null) {
      throw new IndiciumError('WRONG_STATE', {
        detail: 'only a clone (with a transport key) imports an MKS',
      });
    }
    ctx.nvm.set('mks', { ...section, importCeremony: emptyImportCeremony(ctx.now) });
    return { result: {}, auditData: { transportKeyFingerprint: section.transportKey.fingerprint } };
  },
});

/**
 * Import MKS Share (DESIGN §3.3): a Key Custodian hands in one share envelope and the fingerprint
 * of the source module key they confirmed at the source. The share is verified, decrypted and
 * checked against the others here, so a bad one is refused by name before any combining.
 */
export const importMksShareCommand = defineCommand({
  name: 'import-mks-share',
  summary: 'Verifies, decrypts and keeps one share for Combine.',
  design: 'DESIGN §3.4',
  states: ['M'],
  role: 'key-custodian',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: ImportMksShareRequestSchema,
  handler: (ctx, body) => {
    const section = ctx.nvm.get('mks');
    const { transportKey } = section;
    if (transportKey === null) throw new IndiciumError('WRONG_STATE', { detail: 'not a clone' });
    // In Importing Shares with no ceremony (the last Combine destroyed its shares), a new set starts.
    const importCeremony = section.importCeremony ?? emptyImportCeremony(ctx.now);
    const opened = openShareEnvelope(body.share, {
      transportPrivateKey: ctx.keys.privateKey(transportKey.privateKeyPkcs8),
      transportFingerprint: transportKey.fingerprint,
      expectedSourceFingerprint: body.sourceFingerprint,
    });
    const custodianId = officerId(ctx);
    const next = acceptShare(importCeremony, opened, custodianId, ctx.now, section);
    ctx.nvm.set('mks', { ...section, importCeremony: next });
    const facts = {
      ceremonyId: opened.ceremonyId,
      mksVersion: opened.mksVersion,
      index: opened.index,
      imported: next.shares.length,
      threshold: opened.k,
      exportable: opened.exportable,
      kcv: Buffer.from(opened.kcv).toString('hex'),
    };
    return {
      result: facts,
      auditData: {
        ceremonyId: facts.ceremonyId,
        mksVersion: String(facts.mksVersion),
        index: String(facts.index),
        custodianId,
        sourceFingerprint: body.sourceFingerprint,
        exportable: String(facts.exportable),
      },
    };
  },
});

/**
 * Combine MKS Shares (DESIGN §3.3): rebuilds the MKS and checks its key-check value. The first MKS
 * of a clone becomes active; a replacement arrives dormant, to be activated in the rollover; either
 * way → Operational.
 *
 * Too few shares is a plain refusal: nothing changes, the custodians may add more. A failed key
 * check is a committed refusal (kept and audited): the shares are destroyed, and, as a committed
 * refusal never moves the module (ARCHITECTURE.md), it stays in Importing Shares, holding nothing
 * to combine, where the custodians can import a valid set (the catalogue's next step). A reboot
 * instead applies the boot rule: Operational with an active MKS, fatal Error without (DESIGN §3.1).
 */
export const combineMksSharesCommand = defineCommand({
  name: 'combine-mks-shares',
  summary: 'Rebuilds the MKS from k shares, checks its KCV, destroys the shares (M → O).',
  design: 'DESIGN §3.4',
  states: ['M'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: decided('O', 'E'),
  request: EmptyRequestSchema,
  handler: async (ctx) => {
    const section = ctx.nvm.get('mks');
    // No ceremony (its shares destroyed by a failed Combine) means no share imported yet.
    const ceremony = section.importCeremony ?? emptyImportCeremony(ctx.now);
    const cleared = { ...section, importCeremony: null };
    let mks: Awaited<ReturnType<typeof combineShares>>;
    try {
      mks = await combineShares(ceremony, ctx.now);
    } catch (error) {
      if (!(error instanceof IndiciumError) || error.code !== 'KEY_CHECK_FAILED') throw error;
      ctx.nvm.set('mks', cleared);
      const hasMks = section.active !== null;
      return {
        refusal: error,
        next: hasMks ? 'O' : 'E',
        ...(hasMks ? {} : { errorCode: 'MKS_MISSING' as const }),
        auditData: { ceremonyId: ceremony.ceremonyId ?? 'none', outcome: 'key-check-failed' },
      };
    }
    const activated = section.active === null;
    ctx.nvm.set('mks', {
      ...cleared,
      ...(activated ? { active: mks } : { dormant: [...section.dormant, mks] }),
      highestVersion: Math.max(section.highestVersion, mks.version),
    });
    const facts = {
      mksVersion: mks.version,
      kcv: kcvHex(mks.kcv),
      exportable: mks.exportable,
      status: activated ? 'active' : 'dormant',
    };
    return {
      result: facts,
      next: 'O',
      auditData: {
        ceremonyId: ceremony.ceremonyId ?? 'none',
        mksVersion: String(mks.version),
        kcv: facts.kcv,
        exportable: String(mks.exportable),
        status: facts.status,
      },
    };
  },
});
