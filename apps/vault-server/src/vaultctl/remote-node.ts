import { readFile } from 'node:fs/promises';
import { IndiciumError } from '@indicium/protocol';
import { OfficerSession } from '../officers/officer-session.js';
import { type ModuleCredentials, type OfficersFile, readOfficersFile } from '../officers/officers-file.js';
import { remoteModulePort } from './remote-module-port.js';
import { createVaultClient, type VaultClient } from './vault-client.js';

/** Another vault node of the cluster (DESIGN §10), reached through its loopback officer endpoint. */
export interface RemoteNode {
  readonly url: string;
  readonly client: VaultClient;
  /** That node's officers file: its modules' officers and pinned module keys. */
  readonly credentials: OfficersFile;
  readonly credentialsPath: string;
}

/** Which option names the error points at, so each command's refusals name its own flags. */
export interface RemoteNodeFields {
  readonly ca: string;
  readonly credentials: string;
}

/**
 * Opens the client for another node: its TLS trusts only `caPath` (each node has its own CA), and
 * its officers come from its own officers file. Shared by `join-modules` (the source node) and
 * `rollover --node` (every other node).
 */
export async function connectRemoteNode(
  options: { readonly url: string; readonly caPath: string; readonly credentialsPath: string },
  fields: RemoteNodeFields,
): Promise<RemoteNode> {
  let ca: string;
  try {
    ca = await readFile(options.caPath, 'utf8');
  } catch (cause) {
    throw new IndiciumError('INVALID_FIELD', {
      field: fields.ca,
      detail: `cannot read ${options.caPath}`,
      cause,
    });
  }
  const credentials = await readOfficersFile(options.credentialsPath);
  return {
    url: options.url,
    client: createVaultClient({ url: options.url, ca }),
    credentials,
    credentialsPath: options.credentialsPath,
  };
}

/** The officers of `serial` in `file`, or a refusal naming `field`. */
export function moduleCredentials(
  file: OfficersFile,
  serial: string,
  field: string,
  path: string,
): ModuleCredentials {
  const found = file.modules.find((m) => m.serial === serial);
  if (found === undefined) {
    throw new IndiciumError('INVALID_FIELD', { field, detail: `${path} holds no officers of ${serial}` });
  }
  return found;
}

/** An end-to-end session (not yet open) with a module of a node, every officer of it logged on. */
export function nodeModuleSession(client: VaultClient, credentials: ModuleCredentials): OfficerSession {
  return new OfficerSession(remoteModulePort(client, credentials.serial), {
    moduleSerial: credentials.serial,
    modulePublicKey: credentials.modulePublicKey,
    officers: credentials.officers,
  });
}
