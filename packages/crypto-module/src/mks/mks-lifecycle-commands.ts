import { fromBase64, IndiciumError, toBase64 } from '@indicium/protocol';
import { defineCommand, stay } from '../commands/command-spec.js';
import { translateToken } from '../tokens/translate-token.js';
import { kcvHex, keyringOf } from './mks-context.js';
import { MksVersionRequestSchema, TranslateTokenRequestSchema } from './mks-requests.js';

/**
 * Activate MKS (DESIGN §3.3, §3.4): a dormant MKS becomes active and the old active one dormant,
 * so tokens sealed under it still open until it is deleted. Versions only move forward: activating
 * an older MKS would be a rollback of the pool's keys.
 */
export const activateMksCommand = defineCommand({
  name: 'activate-mks',
  summary: 'Makes a newer dormant MKS active; the old active one becomes dormant.',
  design: 'DESIGN §3.4',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: MksVersionRequestSchema,
  handler: (ctx, body) => {
    const section = ctx.nvm.get('mks');
    const target = section.dormant.find((mks) => mks.version === body.version);
    if (target === undefined) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'version',
        detail: 'no dormant MKS of that version',
      });
    }
    const old = section.active;
    if (old !== null && target.version < old.version) {
      throw new IndiciumError('INVALID_FIELD', { field: 'version', detail: 'older than the active MKS' });
    }
    const dormant = section.dormant.filter((mks) => mks !== target);
    ctx.nvm.set('mks', { ...section, active: target, dormant: old === null ? dormant : [...dormant, old] });
    const facts = { mksVersion: target.version, kcv: kcvHex(target.kcv), previous: old?.version ?? null };
    return {
      result: facts,
      auditData: { mksVersion: String(target.version), kcv: facts.kcv, previous: String(facts.previous) },
    };
  },
});

/**
 * Delete dormant MKS (DESIGN §3.3): the last step of a rollover. Tokens and packages still sealed
 * under it can never be opened again, which is the point.
 */
export const deleteMksCommand = defineCommand({
  name: 'delete-mks',
  summary: 'Deletes a dormant MKS for good.',
  design: 'DESIGN §3.4',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: MksVersionRequestSchema,
  handler: (ctx, body) => {
    const section = ctx.nvm.get('mks');
    if (section.active?.version === body.version) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'version',
        detail: 'the active MKS cannot be deleted',
      });
    }
    const target = section.dormant.find((mks) => mks.version === body.version);
    if (target === undefined) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'version',
        detail: 'no dormant MKS of that version',
      });
    }
    ctx.nvm.set('mks', { ...section, dormant: section.dormant.filter((mks) => mks !== target) });
    return { result: { mksVersion: target.version }, auditData: { mksVersion: String(target.version) } };
  },
});

/**
 * Translate (DESIGN §3.3 rollover): re-protects a key token from a dormant MKS to the active one.
 * The caller names what the token is bound to; a token bound to anything else is TOKEN_INVALID.
 */
export const translateTokenCommand = defineCommand({
  name: 'translate-token',
  summary: 'Re-protects a key token from a dormant MKS to the active MKS.',
  design: 'DESIGN §3.4',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'entry',
  next: stay,
  request: TranslateTokenRequestSchema,
  handler: (ctx, body) => {
    const { type, ownerId, recordVersion } = body;
    const out = translateToken(keyringOf(ctx), { type, ownerId, recordVersion }, fromBase64(body.token));
    return {
      result: {
        token: toBase64(out.token),
        translated: out.translated,
        fromVersion: out.fromVersion,
        toVersion: out.toVersion,
      },
      auditData: {
        type,
        ownerId,
        recordVersion: String(recordVersion),
        fromVersion: String(out.fromVersion),
        toVersion: String(out.toVersion),
      },
    };
  },
});
