import {
  OFFICER_PATHS,
  type PoolModuleInfo,
  PROTOCOL_VERSION,
  SetInServiceAnswerSchema,
} from '@indicium/protocol';
import { type CombinedMks, cloneMks } from '../ceremony/clone-mks.js';
import { generateOfficers, initializeModule } from '../ceremony/initialize-module.js';
import type { OfficerSession } from '../officers/officer-session.js';
import {
  OFFICERS_FILE_FORMAT,
  type OfficersFile,
  readOfficersFile,
  replaceOfficersFile,
  writeNewOfficersFile,
} from '../officers/officers-file.js';
import { pathExists } from '../pool/owner-only-files.js';
import { remoteModulePort } from './remote-module-port.js';
import type { VaultClient } from './vault-client.js';

export interface CloneIntoModuleOptions {
  /** The vault holding the new module (its officer endpoint). */
  readonly client: VaultClient;
  /** The new module: Uninitialized and out of service. */
  readonly serial: string;
  /** The officers file the new module's officers go into (made, mode 0600, if it does not exist). */
  readonly credentialsPath: string;
  /** Key custodians to make: the new module can later export n shares only with n of them. */
  readonly custodians: number;
  /** An open session with an Operational module holding an exportable copy of the MKS. */
  readonly source: OfficerSession;
  readonly sourceModulePublicKey: string;
  /** The cluster's MKS key-check value: the combined MKS must match it. */
  readonly expectedKcv: string;
  /** The crypto-card tokens (sealed under the MKS) the module loads with Update Crypto-Card. */
  readonly tokens: Record<string, string | number>;
  readonly n: number;
  readonly k: number;
  readonly exportable: boolean;
  readonly say: (line: string) => void;
}

async function addOfficers(path: string, entry: OfficersFile['modules'][number]): Promise<void> {
  if (await pathExists(path)) {
    const file = await readOfficersFile(path);
    await replaceOfficersFile(path, { ...file, modules: [...file.modules, entry] });
  } else {
    await writeNewOfficersFile(path, {
      format: OFFICERS_FILE_FORMAT,
      createdAt: new Date().toISOString(),
      modules: [entry],
    });
  }
}

/**
 * Makes a new, out-of-service module a clone of the MKS (DESIGN §3.4, §10), every step a module
 * command over an end-to-end officer session: initialize it with new officers (written to the
 * credentials file at once, so a clone stopped half-way can be finished by hand), make its
 * transport key pair, move the MKS from `source` as k of n shares sealed to that key (the source
 * may be a module of another vault node: the vaults in between relay sealed envelopes only),
 * check the combined key-check value, load the crypto-card, and only then put it in service.
 * A failure at any step leaves the module out of service.
 */
export async function cloneIntoModule(
  options: CloneIntoModuleOptions,
): Promise<{ readonly module: PoolModuleInfo; readonly combined: CombinedMks }> {
  const { client, serial, say } = options;
  say(`${serial}: initializing (officers with generated passphrases)`);
  const officers = generateOfficers(Math.max(options.custodians, 2));
  const { session, modulePublicKey } = await initializeModule(
    remoteModulePort(client, serial),
    serial,
    officers,
  );
  try {
    await addOfficers(options.credentialsPath, { serial, origin: 'clone', modulePublicKey, officers });
    say(`${serial}: officers written to ${options.credentialsPath}`);
    await session.call(session.first('security-officer'), 'generate-transport-key-pair');
    const combined = await cloneMks({
      source: options.source,
      sourceModulePublicKey: options.sourceModulePublicKey,
      destination: session,
      expectedKcv: options.expectedKcv,
      n: options.n,
      k: options.k,
      exportable: options.exportable,
      progress: say,
    });
    await session.call(session.first('security-officer'), 'update-crypto-card', { tokens: options.tokens });
    say(`${serial}: crypto-card loaded`);
    const path = OFFICER_PATHS.inService.replace('{serial}', encodeURIComponent(serial));
    const body = { protocol: PROTOCOL_VERSION, inService: true, modulePublicKey };
    const answer = await client.send('POST', path, body, SetInServiceAnswerSchema);
    say(`${serial}: in service`);
    return { module: answer.module, combined };
  } finally {
    await session.close().catch(() => undefined);
  }
}
