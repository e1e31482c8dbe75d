import {
  CryptoCardAnswerSchema,
  IndiciumError,
  ModuleListAnswerSchema,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import type { z } from 'zod';
import { type CombinedMks, cloneMks } from '../ceremony/clone-mks.js';
import type { OfficerSession } from '../officers/officer-session.js';
import type { CliContext } from './cli-context.js';
import type { CommandOptions } from './officer-commands.js';
import { type SweepResult, sweepPackages } from './sweep-packages.js';

/**
 * How Initialize Crypto-Card binds its tokens (crypto-module `src/mks/crypto-card-tokens.ts`,
 * not exported by the package): Translate must name the same type, owner and record version.
 */
const CARD_OWNER = 'crypto-card';
const CARD_TOKEN_TYPES = Object.freeze({
  registrationSigningKey: 'crypto-card/registration-signing-key',
  clientSecretKey: 'crypto-card/client-secret-key',
  parameters: 'crypto-card/parameters',
});

/**
 * `vaultctl rollover` (DESIGN §3.4): the master generates the next MKS (dormant); every other
 * module in service starts importing and receives it as shares; every module activates it (the
 * old one turns dormant); the master translates the crypto-card tokens and the vault records
 * them; then the sweep (`sweep-packages.ts`) translates every meter package not under the new MKS
 * on the master, in its Security Officer's session, storing each with the master's new checkpoint
 * ("translated 37/120 meters"). With `--delete-old`, every older MKS is then deleted on every
 * module — only when no package remains under one; otherwise a WRONG_STATE refusal says how many
 * remain and nothing is deleted. `--resume` skips the new MKS and runs the sweep (and the
 * deletion) again for the MKS the vault recorded with the crypto-card: after a crash in the sweep,
 * or after meters the sweep reported were fixed. Both are safe to run again: packages already under the active MKS are skipped, and an
 * MKS already deleted is not an error. A meter the sweep could not translate makes the command
 * fail (exit 1) after its summary. Needs `--credentials` with every module's officers.
 */
export async function rolloverCommand(context: CliContext, options: CommandOptions): Promise<void> {
  const file = await context.credentials();
  if (file === null)
    throw new IndiciumError('INVALID_FIELD', {
      field: 'credentials',
      detail: 'rollover needs --credentials',
    });
  const { modules } = await context.client.get(OFFICER_PATHS.modules, ModuleListAnswerSchema);
  const serials = modules.filter((m) => m.inService).map((m) => m.serial);
  const masterSerial = file.modules.find((m) => m.origin === 'master' && serials.includes(m.serial))?.serial;
  if (masterSerial === undefined)
    throw new IndiciumError('INVALID_FIELD', { field: 'credentials', detail: 'no master module in service' });
  const card = await context.client.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema);
  const sessions = new Map<string, OfficerSession>();
  try {
    for (const serial of serials) sessions.set(serial, await context.moduleSession(serial));
    const master = sessions.get(masterSerial) as OfficerSession;
    const mks =
      options.resume === true
        ? { version: card.mks.version, kcv: card.mks.kcv }
        : await newMks(context, card, masterSerial, master, sessions);
    const sweep = await sweepPackages({
      client: context.client,
      session: master,
      activeVersion: mks.version,
      say: (line) => context.say(line),
    });
    const deleted = options.deleteOld === true && sweep.remaining === 0 && sweep.failed.length === 0;
    if (deleted) await deleteOlder(context, sessions, mks.version);
    context.print({
      modules: serials,
      mks,
      previous: options.resume === true ? null : card.mks.version,
      packages: { found: sweep.found, translated: sweep.translated, skipped: sweep.skipped },
      failed: sweep.failed,
      remaining: sweep.remaining,
      deleted,
    });
    refuseUnfinished(sweep, options.deleteOld === true);
  } finally {
    await Promise.allSettled([...sessions.values()].map((s) => s.close()));
  }
}

/** A sweep that left packages behind: the command fails, and says what to do. */
function refuseUnfinished(sweep: SweepResult, deleteOld: boolean): void {
  if (sweep.failed.length === 0 && sweep.remaining === 0) return;
  throw new IndiciumError('WRONG_STATE', {
    field: 'mks',
    detail:
      `${sweep.remaining} meter package(s) are still under an older MKS` +
      `${sweep.failed.length > 0 ? ` (${sweep.failed.length} refused, listed above)` : ''}` +
      `${deleteOld ? '; the old MKS was NOT deleted' : ''}` +
      ': fix or recover those meters, then run `vaultctl rollover --resume` (with --delete-old to finish)',
    details: { remaining: sweep.remaining, failed: sweep.failed.map((f) => f.meterId) },
  });
}

/** Deletes every MKS older than `active` on every module; one already gone is skipped. */
async function deleteOlder(
  context: CliContext,
  sessions: ReadonlyMap<string, OfficerSession>,
  active: number,
): Promise<void> {
  for (const [serial, session] of sessions) {
    await session.as(session.first('security-officer'), async (officer) => {
      for (let version = 1; version < active; version++) {
        try {
          await officer.call('delete-mks', { version });
          context.say(`${serial}: MKS v${version} deleted`);
        } catch (error) {
          // "no dormant MKS of that version": deleted by an earlier run, or never held.
          if (
            !(error instanceof IndiciumError && error.code === 'INVALID_FIELD' && error.field === 'version')
          )
            throw error;
        }
      }
    });
  }
}

type Card = z.output<typeof CryptoCardAnswerSchema>;

/** Generate (master), clone to every other module, activate everywhere, translate the card. */
async function newMks(
  context: CliContext,
  card: Card,
  masterSerial: string,
  master: OfficerSession,
  sessions: ReadonlyMap<string, OfficerSession>,
): Promise<{ version: number; kcv: string }> {
  const next = await master.call<CombinedMks>(master.first('security-officer'), 'generate-mks');
  context.say(`${masterSerial}: MKS v${next.mksVersion} generated (dormant), key-check value ${next.kcv}`);
  for (const [serial, session] of sessions) {
    if (serial === masterSerial) continue;
    await session.call(session.first('security-officer'), 'start-importing-mks');
    await cloneMks({
      source: master,
      sourceModulePublicKey: (await context.pinnedModuleKey(masterSerial)) as string,
      destination: session,
      expectedKcv: next.kcv,
      n: 2,
      k: 2,
      exportable: true,
      mksVersion: next.mksVersion,
      progress: (line) => context.say(line),
    });
  }
  for (const [serial, session] of sessions) {
    await session.call(session.first('security-officer'), 'activate-mks', { version: next.mksVersion });
    context.say(`${serial}: MKS v${next.mksVersion} active`);
  }
  const tokens: Record<string, string | number> = { ...card.tokens };
  for (const [field, type] of Object.entries(CARD_TOKEN_TYPES)) {
    const out = await master.call<{ token: string }>(master.first('security-officer'), 'translate-token', {
      token: card.tokens[field],
      type,
      ownerId: CARD_OWNER,
      recordVersion: card.tokens.cardVersion,
    });
    tokens[field] = out.token;
  }
  const mks = { version: next.mksVersion, kcv: next.kcv };
  await context.client.send(
    'PUT',
    OFFICER_PATHS.cryptoCard,
    { protocol: PROTOCOL_VERSION, tokens, mks },
    CryptoCardAnswerSchema,
  );
  context.say('crypto-card tokens translated and recorded');
  return mks;
}
