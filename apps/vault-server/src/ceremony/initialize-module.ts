import type { ModulePort } from '@indicium/crypto-module';
import { fromWireError, StartInitializationAnswerSchema } from '@indicium/protocol';
import { generatePassphrase } from '../officers/officer-passphrase.js';
import { OfficerSession } from '../officers/officer-session.js';
import type { OfficerCredential } from '../officers/officers-file.js';

/** The officers every module gets: DESIGN §3.2's minimum plus a third custodian and an auditor. */
export function generateOfficers(custodians: number): OfficerCredential[] {
  const kcs = Array.from({ length: custodians }, (_, i) => ({
    userId: `kc${i + 1}`,
    role: 'key-custodian' as const,
  }));
  return [
    { userId: 'admin', role: 'administrator' as const },
    { userId: 'so', role: 'security-officer' as const },
    ...kcs,
    { userId: 'auditor', role: 'auditor' as const },
  ].map((o) => ({ ...o, passphrase: generatePassphrase() }));
}

/**
 * Start Initialization (U → I, which makes the module key this returns and pins) and Initialize
 * Access Control with `officers` in a new session (DESIGN §3.1, §3.2). The session stays open for
 * the rest of the ceremony.
 */
export async function initializeModule(
  port: ModulePort,
  serial: string,
  officers: readonly OfficerCredential[],
): Promise<{ session: OfficerSession; modulePublicKey: string }> {
  const started = await port.dispatch({ command: 'start-initialization', body: { time: Date.now() } });
  if (!started.ok) throw fromWireError(started.error);
  const { modulePublicKey } = StartInitializationAnswerSchema.parse(started.result);
  const session = new OfficerSession(port, { moduleSerial: serial, modulePublicKey, officers });
  await session.open();
  const accounts = await Promise.all(
    officers.map(async (o) => ({
      userId: o.userId,
      role: o.role,
      password: await session.password(o.userId),
    })),
  );
  await session.client.call('initialize-access-control', { accounts });
  return { session, modulePublicKey };
}
