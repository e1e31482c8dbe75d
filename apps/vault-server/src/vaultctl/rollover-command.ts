import {
  CryptoCardAnswerSchema,
  fromWireError,
  IndiciumError,
  ModuleStatusSchema,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import { type CombinedMks, cloneMks } from '../ceremony/clone-mks.js';
import type { OfficerSession } from '../officers/officer-session.js';
import type { CliContext } from './cli-context.js';
import { remoteModulePort } from './remote-module-port.js';
import { moduleCredentials, nodeModuleSession } from './remote-node.js';
import { type Card, type RolloverNode, rolloverNodes } from './rollover-nodes.js';
import { outOfPsdService, type SweepResult, sweepPackages } from './sweep-packages.js';

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

/** A module of one node, with its open officer session. */
interface NodeModule {
  readonly node: RolloverNode;
  readonly serial: string;
  readonly session: OfficerSession;
}

/**
 * `vaultctl rollover` (DESIGN §3.4), across every node of a cluster (§10): the node it runs
 * against and each `--node`, whose modules all hold the MKS and whose database (meter packages,
 * module table) is shared. In this order, so no node is ever left unable to serve: the master
 * generates the next MKS (dormant); every other in-service module of every node starts importing
 * and receives it as shares from the master (relayed through both nodes' officer endpoints, sealed
 * module to module, as `join-modules` does); every module of every node activates it (the old one
 * turns dormant); the master translates the crypto-card tokens once and every node records the
 * same tokens; then the sweep (`sweep-packages.ts`) translates every meter package not under the
 * new MKS on the master, in its Security Officer's session ("translated 37/120 meters"), once: the
 * database is shared. With `--delete-old`, every older MKS is then deleted on every module of every
 * node — only when no package remains under one; otherwise a WRONG_STATE refusal says how many
 * remain and nothing is deleted. Before anything changes, a module in the shared module table on a
 * node not named is refused (`rollover-nodes.ts`). `--resume` skips the new MKS: it takes the
 * newest MKS any node recorded with its crypto-card, activates it on every module where it is not
 * yet active, records its tokens on every node still behind, and runs the sweep (and the deletion)
 * again: after a crash, or after meters the sweep reported were fixed. Both are safe to run again:
 * packages already under the active MKS are skipped, and an MKS already deleted is not an error.
 * A meter the sweep could not translate makes the command fail (exit 1) after its summary. Needs
 * `--credentials` with every module's officers of this node, `--node-credentials` of each other.
 */
export async function rolloverCommand(
  context: CliContext,
  options: Readonly<Record<string, unknown>>,
): Promise<void> {
  const file = await context.credentials();
  if (file === null)
    throw new IndiciumError('INVALID_FIELD', {
      field: 'credentials',
      detail: 'rollover needs --credentials',
    });
  const nodes = await rolloverNodes(context, file, options);
  const resume = options.resume === true;
  if (!resume) refuseSplitCards(nodes);
  const masterNode = nodes.find((node) => masterOf(node) !== undefined);
  if (masterNode === undefined)
    throw new IndiciumError('INVALID_FIELD', { field: 'credentials', detail: 'no master module in service' });
  const masterSerial = masterOf(masterNode) as string;
  const modules: NodeModule[] = [];
  try {
    for (const node of nodes) {
      for (const serial of node.inService) {
        const credentials = moduleCredentials(node.credentials, serial, 'credentials', node.credentialsPath);
        const session = nodeModuleSession(node.client, credentials);
        await session.open();
        modules.push({ node, serial, session });
      }
    }
    const master = modules.find((m) => m.serial === masterSerial) as NodeModule;
    const previous = resume ? null : masterNode.card.mks.version;
    const mks = resume
      ? await finishMks(context, nodes, modules)
      : await newMks(context, nodes, master, modules);
    const sweep = await sweepPackages({
      client: masterNode.client,
      session: master.session,
      activeVersion: mks.version,
      say: (line) => context.say(line),
    });
    const deleted = options.deleteOld === true && sweep.remaining === 0 && sweep.failed.length === 0;
    if (deleted) await deleteOlder(context, modules, mks.version);
    context.print({
      modules: modules.map((m) => m.serial),
      nodes: nodes.map((n) => ({ vault: n.name, modules: n.inService })),
      mks,
      previous,
      packages: { found: sweep.found, translated: sweep.translated, skipped: sweep.skipped },
      failed: sweep.failed,
      remaining: sweep.remaining,
      deleted,
    });
    refuseUnfinished(sweep, options.deleteOld === true);
  } finally {
    await Promise.allSettled(modules.map((m) => m.session.close()));
  }
}

/** The node's master module (the one that generated the MKS), if it is in service there. */
function masterOf(node: RolloverNode): string | undefined {
  return node.credentials.modules.find((m) => m.origin === 'master' && node.inService.includes(m.serial))
    ?.serial;
}

/** A new rollover needs every node on one MKS: otherwise an earlier one is unfinished (--resume). */
function refuseSplitCards(nodes: readonly RolloverNode[]): void {
  const [here, ...others] = nodes as [RolloverNode, ...RolloverNode[]];
  for (const node of others) {
    if (node.card.mks.version !== here.card.mks.version || node.card.mks.kcv !== here.card.mks.kcv) {
      throw new IndiciumError('KEY_CHECK_FAILED', {
        field: 'node',
        detail:
          `${node.name} records MKS v${node.card.mks.version} (key-check value ${node.card.mks.kcv}), this node ` +
          `MKS v${here.card.mks.version} (${here.card.mks.kcv}): a node of another cluster, or an unfinished ` +
          'rollover (run `vaultctl rollover --resume` with every node); nothing was changed',
      });
    }
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

/** Deletes every MKS older than `active` on every module of every node; one already gone is skipped. */
async function deleteOlder(
  context: CliContext,
  modules: readonly NodeModule[],
  active: number,
): Promise<void> {
  for (const { serial, session } of modules) {
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

/** Records the same crypto-card tokens, sealed under `mks`, on each of `nodes`. */
async function recordCard(
  context: CliContext,
  nodes: readonly RolloverNode[],
  tokens: Card['tokens'],
  mks: { version: number; kcv: string },
): Promise<void> {
  for (const node of nodes) {
    await node.client.send(
      'PUT',
      OFFICER_PATHS.cryptoCard,
      { protocol: PROTOCOL_VERSION, tokens, mks },
      CryptoCardAnswerSchema,
    );
    context.say(`${node.name}: crypto-card tokens under MKS v${mks.version} recorded`);
  }
}

/** Activates `version` on every module of every node; `only` skips those where it is already active. */
async function activate(
  context: CliContext,
  modules: readonly NodeModule[],
  version: number,
  only: (m: NodeModule) => Promise<boolean>,
): Promise<void> {
  for (const m of modules) {
    if (!(await only(m))) continue;
    await m.session.call(m.session.first('security-officer'), 'activate-mks', { version });
    context.say(`${m.serial}: MKS v${version} active`);
  }
}

/** `--resume`: the newest MKS any node recorded, made active and recorded everywhere. */
async function finishMks(
  context: CliContext,
  nodes: readonly RolloverNode[],
  modules: readonly NodeModule[],
): Promise<{ version: number; kcv: string }> {
  const newest = nodes.reduce((a, b) => (b.card.mks.version > a.card.mks.version ? b : a));
  const mks = { version: newest.card.mks.version, kcv: newest.card.mks.kcv };
  await activate(context, modules, mks.version, async (m) => {
    const outcome = await remoteModulePort(m.node.client, m.serial).dispatch({
      command: 'get-status',
      body: {},
    });
    if (!outcome.ok) throw fromWireError(outcome.error);
    return ModuleStatusSchema.parse(outcome.result).activeMksVersion !== mks.version;
  });
  const behind = nodes.filter((n) => n.card.mks.version !== mks.version || n.card.mks.kcv !== mks.kcv);
  await recordCard(context, behind, newest.card.tokens, mks);
  return mks;
}

/**
 * Generate (master), clone to every other module of every node, activate everywhere, translate
 * the card once and record it on every node.
 */
async function newMks(
  context: CliContext,
  nodes: readonly RolloverNode[],
  master: NodeModule,
  modules: readonly NodeModule[],
): Promise<{ version: number; kcv: string }> {
  const source = master.session;
  const sourceKey = moduleCredentials(
    master.node.credentials,
    master.serial,
    'credentials',
    master.node.credentialsPath,
  ).modulePublicKey;
  const next = await source.call<CombinedMks>(source.first('security-officer'), 'generate-mks');
  context.say(`${master.serial}: MKS v${next.mksVersion} generated (dormant), key-check value ${next.kcv}`);
  // In Exporting Shares the master refuses PSD commands (DESIGN §3.1): its node leaves it out of
  // PSD service meanwhile, as join-modules does with its source, and each clone while it imports.
  const say = (line: string) => context.say(line);
  await outOfPsdService(master.node.client, master.serial, say, 'the clone', async () => {
    for (const { serial, session, node } of modules) {
      if (serial === master.serial) continue;
      if (node !== master.node)
        context.say(
          `${serial}: receiving MKS v${next.mksVersion} from ${master.serial} on ${master.node.name}`,
        );
      // In Importing Shares (M) a module refuses PSD commands too: its node leaves it out of PSD
      // service until Combine has brought it back to Operational.
      await outOfPsdService(node.client, serial, say, 'the import', async () => {
        await session.call(session.first('security-officer'), 'start-importing-mks');
        await cloneMks({
          source,
          sourceModulePublicKey: sourceKey,
          destination: session,
          expectedKcv: next.kcv,
          n: 2,
          k: 2,
          exportable: true,
          mksVersion: next.mksVersion,
          progress: (line) => context.say(line),
        });
      });
    }
  });
  await activate(context, modules, next.mksVersion, async () => true);
  const card = master.node.card;
  const tokens: Record<string, string | number> = { ...card.tokens };
  for (const [field, type] of Object.entries(CARD_TOKEN_TYPES)) {
    const out = await source.call<{ token: string }>(source.first('security-officer'), 'translate-token', {
      token: card.tokens[field],
      type,
      ownerId: CARD_OWNER,
      recordVersion: card.tokens.cardVersion,
    });
    tokens[field] = out.token;
  }
  const mks = { version: next.mksVersion, kcv: next.kcv };
  await recordCard(context, nodes, tokens, mks);
  context.say('crypto-card tokens translated and recorded on every node');
  return mks;
}
