import {
  CryptoCardAnswerSchema,
  IndiciumError,
  ModuleListAnswerSchema,
  OFFICER_PATHS,
} from '@indicium/protocol';
import type { z } from 'zod';
import { MODULE_TABLE_PATHS, ModuleTableAnswerSchema } from '../module-table/module-table-routes.js';
import type { OfficersFile } from '../officers/officers-file.js';
import type { CliContext } from './cli-context.js';
import { connectRemoteNode } from './remote-node.js';
import type { VaultClient } from './vault-client.js';

export type Card = z.output<typeof CryptoCardAnswerSchema>;

/** One vault node a rollover runs on: its officer endpoint, officers, modules and crypto-card. */
export interface RolloverNode {
  /** The vault URL (`this node` for the one vaultctl runs against). */
  readonly name: string;
  readonly client: VaultClient;
  readonly credentials: OfficersFile;
  readonly credentialsPath: string;
  /** Every module the node runs, in service or not. */
  readonly listed: readonly string[];
  readonly inService: readonly string[];
  /** The crypto-card tokens and MKS this node's vault recorded. */
  readonly card: Card;
}

/** The rollover flags naming the other nodes (commander collects each repeatable flag as a list). */
export interface NodeFlags {
  readonly node?: unknown;
  readonly nodeCredentials?: unknown;
  readonly nodeCa?: unknown;
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** `N<node id>-` for a joined node's serial, '' for the first node's plain serials (node-identity.ts). */
const prefixOf = (serial: string): string => /^N[0-9a-f]{8}-/.exec(serial)?.[0] ?? '';

async function inspectNode(
  name: string,
  client: VaultClient,
  credentials: OfficersFile,
  credentialsPath: string,
): Promise<RolloverNode> {
  const [{ modules }, card] = await Promise.all([
    client.get(OFFICER_PATHS.modules, ModuleListAnswerSchema),
    client.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema),
  ]);
  return {
    name,
    client,
    credentials,
    credentialsPath,
    listed: modules.map((m) => m.serial),
    inService: modules.filter((m) => m.inService).map((m) => m.serial),
    card,
  };
}

/**
 * The nodes a rollover must cover (DESIGN §3.4, §10): the one vaultctl runs against and each
 * `--node` (its `--node-credentials` in the same order; `--node-ca` once for all or once per node,
 * by default `--ca`). Every node shares the database, so the packages the sweep moves are every
 * node's meters: a node left out would keep modules without the new MKS and, after
 * `--delete-old`, unable to serve. So before anything changes, every module the shared module
 * table records (but retired ones) must run on a named node; otherwise WRONG_STATE (field `node`)
 * names the modules and their node prefixes. A node named twice is refused too.
 */
export async function rolloverNodes(
  context: CliContext,
  here: OfficersFile,
  flags: NodeFlags,
): Promise<RolloverNode[]> {
  const urls = list(flags.node);
  const credentials = list(flags.nodeCredentials);
  const cas = list(flags.nodeCa);
  if (credentials.length !== urls.length) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'nodeCredentials',
      detail: `give one --node-credentials <officers.json> per --node, in the same order (${urls.length} node(s), ${credentials.length} file(s))`,
    });
  }
  if (urls.length > 0 && cas.length > 1 && cas.length !== urls.length) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'nodeCa',
      detail: 'give --node-ca once for every node, or once per --node in the same order',
    });
  }
  const caFor = (i: number): string => {
    const path = cas.length > 1 ? cas[i] : (cas[0] ?? context.options.ca);
    if (path === undefined) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'nodeCa',
        detail: "give --node-ca <file>: the CA each other node's TLS chains to",
      });
    }
    return path;
  };
  const nodes = [await inspectNode('this node', context.client, here, context.options.credentials ?? '')];
  for (const [i, url] of urls.entries()) {
    const credentialsPath = credentials[i] as string;
    const remote = await connectRemoteNode(
      { url, caPath: caFor(i), credentialsPath },
      { ca: 'nodeCa', credentials: 'nodeCredentials' },
    );
    nodes.push(await inspectNode(url, remote.client, remote.credentials, credentialsPath));
  }

  const owner = new Map<string, string>();
  for (const node of nodes) {
    for (const serial of node.listed) {
      const other = owner.get(serial);
      if (other !== undefined) {
        throw new IndiciumError('INVALID_FIELD', {
          field: 'node',
          detail: `${node.name} and ${other} both run ${serial}: the same node named twice; name each other node once`,
        });
      }
      owner.set(serial, node.name);
    }
  }
  const table = await context.client.get(MODULE_TABLE_PATHS.list, ModuleTableAnswerSchema);
  const unnamed = table.modules
    .filter((row) => row.status !== 'retired' && !owner.has(row.moduleSerial))
    .map((row) => row.moduleSerial);
  if (unnamed.length > 0) {
    const prefixes = [...new Set(unnamed.map(prefixOf))].map((p) => (p === '' ? 'the first node' : p));
    throw new IndiciumError('WRONG_STATE', {
      field: 'node',
      detail:
        `the shared module table holds ${unnamed.join(', ')} of node(s) ${prefixes.join(', ')} not named: ` +
        'a rollover must reach every node (else its modules lose the MKS its meters move to); ' +
        'pass --node <url> --node-credentials <officers.json> for each; nothing was changed',
      details: { modules: unnamed, nodes: prefixes },
    });
  }
  return nodes;
}
