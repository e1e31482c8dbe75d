import {
  CryptoCardAnswerSchema,
  fromWireError,
  IndiciumError,
  ModuleListAnswerSchema,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
  SetInServiceAnswerSchema,
} from '@indicium/protocol';
import type { CliContext } from './cli-context.js';
import { cloneIntoModule } from './clone-into-module.js';
import type { CommandOptions } from './officer-commands.js';
import { remoteModulePort } from './remote-module-port.js';
import { connectRemoteNode, moduleCredentials, nodeModuleSession } from './remote-node.js';

const count = (value: unknown, field: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'an integer ≥ 2' });
  return n;
};

const text = (value: unknown, field: string, flag: string): string => {
  if (typeof value !== 'string' || value === '')
    throw new IndiciumError('INVALID_FIELD', { field, detail: `give ${flag}` });
  return value;
};

/** The node's modules that wait to be joined: out of service and still Uninitialized. */
async function modulesToJoin(context: CliContext): Promise<string[]> {
  const { modules } = await context.client.get(OFFICER_PATHS.modules, ModuleListAnswerSchema);
  const waiting: string[] = [];
  for (const m of modules.filter((module) => !module.inService)) {
    const outcome = await remoteModulePort(context.client, m.serial).dispatch({
      command: 'get-status',
      body: {},
    });
    if (!outcome.ok) throw fromWireError(outcome.error);
    const state = (outcome.result as { currentState?: unknown }).currentState;
    if (state === 'U') waiting.push(m.serial);
    else
      context.say(`${m.serial}: out of service but in state ${String(state)}, not a new module: left alone`);
  }
  return waiting;
}

/**
 * `vaultctl join-modules` (DESIGN §3.4, §10), run against a node started with `--join`: clones the
 * cluster's MKS into each of that node's new modules from `--source`, a module of another node
 * reached through that node's officer endpoint (`--source-vault`, loopback-only: run vaultctl on
 * that machine's loopback or through an SSH tunnel). The share envelopes are sealed by the source
 * module to each new module's transport key, so relaying them through vaultctl and two vaults
 * reveals nothing. Before any module is touched, the source vault's MKS must be this node's (the
 * key-check value from the join kit); each combined MKS is checked against it again. The new
 * modules' officers go into `--credentials` (made if missing), the source's come from
 * `--source-credentials`.
 */
export async function joinModulesCommand(context: CliContext, options: CommandOptions): Promise<void> {
  const n = count(options.n, 'n');
  const k = count(options.k, 'k');
  const credentialsPath = text(
    context.options.credentials,
    'credentials',
    '--credentials <officers.json> (this node’s officers file, made if missing)',
  );
  const sourceSerial = text(options.source, 'source', '--source <serial>');
  const sourceVault = text(options.sourceVault, 'sourceVault', '--source-vault <url>');
  const sourceCredentialsPath = text(
    options.sourceCredentials,
    'sourceCredentials',
    '--source-credentials <officers.json>',
  );
  const sourceCaPath = typeof options.sourceCa === 'string' ? options.sourceCa : context.options.ca;
  if (sourceCaPath === undefined) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'sourceCa',
      detail: "give --source-ca <file>: the CA the source vault's TLS chains to",
    });
  }
  const remote = await connectRemoteNode(
    { url: sourceVault, caPath: sourceCaPath, credentialsPath: sourceCredentialsPath },
    { ca: 'sourceCa', credentials: 'sourceCredentials' },
  );
  const sourceCredentials = moduleCredentials(
    remote.credentials,
    sourceSerial,
    'source',
    sourceCredentialsPath,
  );

  const serials = await modulesToJoin(context);
  if (serials.length === 0) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'module',
      detail: 'this node has no new module out of service: nothing to join (vaultctl modules lists them)',
    });
  }
  const sourceClient = remote.client;
  const [card, sourceCard] = await Promise.all([
    context.client.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema),
    sourceClient.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema),
  ]);
  if (sourceCard.mks.kcv !== card.mks.kcv || sourceCard.mks.version !== card.mks.version) {
    throw new IndiciumError('KEY_CHECK_FAILED', {
      field: 'sourceVault',
      detail:
        `the source vault holds MKS v${sourceCard.mks.version} (key-check value ${sourceCard.mks.kcv}), this node's cluster ` +
        `MKS v${card.mks.version} (${card.mks.kcv}): join from a node of this node's cluster; no module was changed`,
    });
  }
  context.say(
    `joining ${serials.join(', ')} from ${sourceSerial} at ${sourceVault}: MKS v${card.mks.version}, key-check value ${card.mks.kcv}`,
  );

  // While it exports shares the source is in Exporting Shares, where PSD commands are refused
  // (DESIGN §3.1): it leaves its node's PSD service for the clone and comes back after.
  const sourceInfo = (await sourceClient.get(OFFICER_PATHS.modules, ModuleListAnswerSchema)).modules.find(
    (m) => m.serial === sourceSerial,
  );
  if (sourceInfo === undefined) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'source',
      detail: `${sourceVault} has no module ${sourceSerial}`,
    });
  }
  const sourceService = (inService: boolean) =>
    sourceClient.send(
      'POST',
      OFFICER_PATHS.inService.replace('{serial}', encodeURIComponent(sourceSerial)),
      { protocol: PROTOCOL_VERSION, inService },
      SetInServiceAnswerSchema,
    );
  const source = nodeModuleSession(sourceClient, sourceCredentials);
  if (sourceInfo.inService) {
    await sourceService(false);
    context.say(`${sourceSerial}: out of its node's PSD service while it exports shares`);
  }
  const joined = [];
  try {
    await source.open();
    for (const serial of serials) {
      const { module, combined } = await cloneIntoModule({
        client: context.client,
        serial,
        credentialsPath,
        custodians: n,
        source,
        sourceModulePublicKey: sourceCredentials.modulePublicKey,
        expectedKcv: card.mks.kcv,
        tokens: card.tokens,
        n,
        k,
        exportable: options.retained !== true,
        say: (line) => context.say(line),
      });
      joined.push({
        module,
        mksVersion: combined.mksVersion,
        kcv: combined.kcv,
        exportable: combined.exportable,
      });
    }
  } finally {
    await source.close().catch(() => undefined);
    if (sourceInfo.inService) {
      await sourceService(true);
      context.say(`${sourceSerial}: back in its node's PSD service`);
    }
  }
  context.print({ joined });
}
