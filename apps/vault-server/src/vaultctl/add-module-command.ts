import {
  AddModuleAnswerSchema,
  CryptoCardAnswerSchema,
  IndiciumError,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import type { CliContext } from './cli-context.js';
import { cloneIntoModule } from './clone-into-module.js';
import type { CommandOptions } from './officer-commands.js';

const count = (value: unknown, field: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'an integer ≥ 2' });
  return n;
};

/**
 * `vaultctl add-module` (DESIGN §3.4, §10): the vault makes a new module (worker thread, storage
 * key, empty NVM) out of service; vaultctl initializes it with new officers (their passphrases
 * go into the credentials file at once, so a half-done clone can be finished by hand), makes its
 * transport key, moves the MKS from `--source` as k of n shares, checks the key-check value
 * against the pool's, loads the crypto-card, and only then puts it in service.
 */
export async function addModuleCommand(context: CliContext, options: CommandOptions): Promise<void> {
  const n = count(options.n, 'n');
  const k = count(options.k, 'k');
  const credentialsPath = context.options.credentials;
  const file = await context.credentials();
  if (credentialsPath === undefined || file === null) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'credentials',
      detail: 'add-module needs --credentials <officers.json>',
    });
  }
  const sourceSerial = String(options.source);
  const sourceKey = await context.pinnedModuleKey(sourceSerial);
  if (sourceKey === null)
    throw new IndiciumError('INVALID_FIELD', {
      field: 'source',
      detail: `no credentials for ${sourceSerial}`,
    });
  const card = await context.client.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema);

  const source = await context.moduleSession(sourceSerial);
  try {
    const added = await context.client.send(
      'POST',
      OFFICER_PATHS.modules,
      { protocol: PROTOCOL_VERSION },
      AddModuleAnswerSchema,
    );
    context.say(`${added.module.serial}: new module (out of service)`);
    const { module, combined } = await cloneIntoModule({
      client: context.client,
      serial: added.module.serial,
      credentialsPath,
      custodians: k,
      source,
      sourceModulePublicKey: sourceKey,
      expectedKcv: card.mks.kcv,
      tokens: card.tokens,
      n,
      k,
      exportable: options.retained !== true,
      say: (line) => context.say(line),
    });
    context.print({
      module,
      mksVersion: combined.mksVersion,
      kcv: combined.kcv,
      exportable: combined.exportable,
    });
  } finally {
    await source.close().catch(() => undefined);
  }
}
