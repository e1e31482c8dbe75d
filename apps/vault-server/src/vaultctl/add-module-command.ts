import {
  AddModuleAnswerSchema,
  CryptoCardAnswerSchema,
  IndiciumError,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
  SetInServiceAnswerSchema,
} from '@indicium/protocol';
import { cloneMks } from '../ceremony/clone-mks.js';
import { generateOfficers, initializeModule } from '../ceremony/initialize-module.js';
import type { OfficerSession } from '../officers/officer-session.js';
import { replaceOfficersFile } from '../officers/officers-file.js';
import type { CliContext } from './cli-context.js';
import type { CommandOptions } from './officer-commands.js';
import { remoteModulePort } from './remote-module-port.js';

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

  const added = await context.client.send(
    'POST',
    OFFICER_PATHS.modules,
    { protocol: PROTOCOL_VERSION },
    AddModuleAnswerSchema,
  );
  const serial = added.module.serial;
  context.say(`${serial}: new module (out of service); initializing`);
  const officers = generateOfficers(Math.max(k, 2));
  const { session, modulePublicKey } = await initializeModule(
    remoteModulePort(context.client, serial),
    serial,
    officers,
  );
  await replaceOfficersFile(credentialsPath, {
    ...file,
    modules: [...file.modules, { serial, origin: 'clone', modulePublicKey, officers }],
  });
  context.say(`${serial}: officers written to ${credentialsPath}`);

  let source: OfficerSession | null = null;
  try {
    await session.call('so', 'generate-transport-key-pair');
    source = await context.moduleSession(sourceSerial);
    const combined = await cloneMks({
      source,
      sourceModulePublicKey: sourceKey,
      destination: session,
      expectedKcv: card.mks.kcv,
      n,
      k,
      exportable: options.retained !== true,
      progress: (line) => context.say(line),
    });
    await session.call('so', 'update-crypto-card', { tokens: card.tokens });
    const path = OFFICER_PATHS.inService.replace('{serial}', serial);
    const body = { protocol: PROTOCOL_VERSION, inService: true, modulePublicKey };
    const answer = await context.client.send('POST', path, body, SetInServiceAnswerSchema);
    context.print({
      module: answer.module,
      mksVersion: combined.mksVersion,
      kcv: combined.kcv,
      exportable: combined.exportable,
    });
  } finally {
    await Promise.allSettled([session.close(), source?.close()]);
  }
}
