import { IndiciumError } from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import { type MksKeyring, mksKeyring } from './mks-keyring.js';
import type { MksSection, StoredMks } from './mks-section.js';
import type { ModuleSigningKey } from './module-signature.js';

/** The module key as the MKS code signs with it (transport key exports, share envelopes). */
export function moduleSigningKey(ctx: HandlerContext): ModuleSigningKey {
  const spki = ctx.nvm.get('module').modulePublicKey;
  if (spki === null) throw new IndiciumError('MODULE_ERROR_STATE', { detail: 'no module key' });
  return { sign: (message) => ctx.signWithModuleKey(message), publicKeySpki: Buffer.from(spki, 'base64') };
}

/** The logged-on officer's id; the command table guarantees one is logged on for these commands. */
export function officerId(ctx: HandlerContext): string {
  const officer = ctx.caller.officer;
  if (officer === null) throw new IndiciumError('NOT_LOGGED_ON');
  return officer.userId;
}

export function keyringOf(ctx: HandlerContext): MksKeyring {
  return mksKeyring(ctx.nvm.get('mks'), ctx.keys);
}

/** The active or a dormant MKS of that version, or null. */
export function findMks(section: MksSection, version: number): StoredMks | null {
  if (section.active?.version === version) return section.active;
  return section.dormant.find((mks) => mks.version === version) ?? null;
}

/** Hex of a base64 key-check value, the form officers compare. */
export function kcvHex(kcvBase64: string): string {
  return Buffer.from(kcvBase64, 'base64').toString('hex');
}
