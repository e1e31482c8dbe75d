import {
  CryptoCardAnswerSchema,
  IndiciumError,
  ModuleListAnswerSchema,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import { type CombinedMks, cloneMks } from '../ceremony/clone-mks.js';
import type { OfficerSession } from '../officers/officer-session.js';
import type { CliContext } from './cli-context.js';
import type { CommandOptions } from './officer-commands.js';

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
 * them. The old MKS stays (dormant) unless `--delete-old`: meter packages are still sealed under it
 * and this command does not translate them yet, so deleting it would strand every meter. Needs
 * `--credentials` with every module's officers.
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
    if (options.deleteOld === true) {
      for (const [serial, session] of sessions) {
        await session.call(session.first('security-officer'), 'delete-mks', { version: card.mks.version });
        context.say(`${serial}: MKS v${card.mks.version} deleted`);
      }
    }
    context.print({ modules: serials, mks, previous: card.mks.version, deleted: options.deleteOld === true });
  } finally {
    await Promise.allSettled([...sessions.values()].map((s) => s.close()));
  }
}
