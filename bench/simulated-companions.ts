import type { VaultProcess } from '../apps/vault-server/src/http/testing/vault-process.js';
import {
  type MeterUser,
  registerMeter,
  signUp,
  type WebCustomer,
} from '../apps/vault-server/test/support/e2e-protocol-client.js';
import { keepAliveVault } from './keep-alive-vault.js';

/** One simulated companion: its own meter, its registered user, and its own HTTPS connection. */
export interface SimulatedCompanion {
  readonly meterId: string;
  readonly user: MeterUser;
  close(): void;
}

export interface Fleet {
  readonly customer: WebCustomer;
  readonly companions: readonly SimulatedCompanion[];
  close(): void;
}

/** The most a meter may hold (DESIGN §3.3: the provider's $500 maximum DR). */
const FULL_DESCENDING_REGISTER_MILLS = 500_000;

/**
 * Registers `count` companions the way real ones register (DESIGN §4.2, through the end-to-end
 * tests' independent protocol client): one customer, a licence and a fresh meter per companion,
 * registration of its first user, postage bought up to the maximum, and one Get Challenge so the
 * companion holds a module challenge. After this each companion needs one round trip per
 * indicium. Runs `parallel` registrations at a time; the work is the vault's (meter key
 * generation and certification, RSA-OAEP), not the benchmark's.
 *
 * @example
 * const fleet = await registerFleet(vault, 16, { parallel: 4, keepAlive: true });
 */
export async function registerFleet(
  vault: VaultProcess,
  count: number,
  options: { readonly parallel: number; readonly keepAlive: boolean },
): Promise<Fleet> {
  const customer = await signUp(vault, `bench-${Date.now()}@example.test`);
  const companions: SimulatedCompanion[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      next += 1;
      const { meterId, user } = await registerMeter(vault, customer, 'bench');
      const bought = await customer.call('POST', `/v1/meters/${meterId}/purchases`, {
        protocol: 1,
        amountMills: FULL_DESCENDING_REGISTER_MILLS,
        idempotencyKey: `bench-${meterId}`,
      });
      if (bought.status !== 200) throw new Error(`purchase: ${bought.status} ${bought.text}`);
      const connection = options.keepAlive ? keepAliveVault(vault) : null;
      if (connection !== null) user.vault = connection;
      await user.getChallenge();
      companions.push({ meterId, user, close: () => connection?.close() });
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.parallel, count) }, worker));
  return {
    customer,
    companions,
    close: () => {
      for (const c of companions) c.close();
    },
  };
}
