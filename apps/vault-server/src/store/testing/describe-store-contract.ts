import { describeAccountContract } from './contract-accounts.js';
import { describeCommitContract } from './contract-commit.js';
import { describeLifecycleContract } from './contract-lifecycle.js';
import { describeLoginFailureContract } from './contract-login-failures.js';
import { describeMeterRecordsContract } from './contract-meter-records.js';
import { describeRegistrationTokenContract } from './contract-registration-tokens.js';
import { describeVersionContract } from './contract-versions.js';
import type { MakeStoreHarness } from './store-harness.js';

/**
 * The behaviour every `Store` must have, written once against the interface (DESIGN §6, §10): run
 * for SQLite today (`sqlite/sqlite-store.test.ts`), and for PostgreSQL by issue 8 with its own
 * harness. Nothing here knows which database it talks to.
 *
 * @example
 * describeStoreContract('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'store-'));
 *   return { open: () => createStore({ kind: 'sqlite', path: join(dir, 'vault.db') }), dispose: () => rm(dir, { recursive: true }) };
 * });
 */
export function describeStoreContract(name: string, makeHarness: MakeStoreHarness): void {
  describeCommitContract(name, makeHarness);
  describeMeterRecordsContract(name, makeHarness);
  describeAccountContract(name, makeHarness);
  describeRegistrationTokenContract(name, makeHarness);
  describeLoginFailureContract(name, makeHarness);
  describeLifecycleContract(name, makeHarness);
  describeVersionContract(name, makeHarness);
}
