import type { PageCallTable } from '../calls/page-call-table.js';
import type { CompanionConfig } from '../config/companion-config.js';
import { loadOrCreateTlsIdentity } from '../gateway/tls-identity.js';
import { buildInterfaceCallTable } from './interface-call-table.js';
import { interfaceTlsDir, readInterfaceSetup } from './interface-setup.js';

/**
 * The page-call table when this companion is an office interface (a paired gateway is set up,
 * DESIGN §9), else undefined and the companion serves calls itself. The native-messaging host
 * asks this first, so the extension talks to its local companion as usual in both modes.
 */
export async function interfaceCallTable(
  dataDir: string,
  config: CompanionConfig,
): Promise<PageCallTable | undefined> {
  const setup = await readInterfaceSetup(dataDir);
  if (setup === undefined) return undefined;
  const identity = await loadOrCreateTlsIdentity(interfaceTlsDir(dataDir), setup.name);
  return buildInterfaceCallTable({ dataDir, config, setup, identity });
}
