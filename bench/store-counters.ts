import type { VaultProcess } from '../apps/vault-server/src/http/testing/vault-process.js';

/** The store's group-commit counters since the vault started (its Prometheus `/metrics`). */
export interface StoreCounters {
  /** Committed batches: one sync each. */
  readonly batches: number;
  /** Commit units written. */
  readonly units: number;
}

function gauge(text: string, name: string): number {
  const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return line === null ? Number.NaN : Number(line[1]);
}

/**
 * Reads the group commit's counters (`indicium_store_commit_batches`, `…_units`), so that each
 * phase can report syncs and units per indicium: a count that does not depend on how loaded the
 * machine is, unlike every duration.
 *
 * @example
 * const before = await storeCounters(vault); … ; const after = await storeCounters(vault);
 */
export async function storeCounters(vault: VaultProcess): Promise<StoreCounters> {
  const answer = await vault.request('GET', '/metrics');
  if (answer.status !== 200) throw new Error(`metrics: ${answer.status} ${answer.text.slice(0, 200)}`);
  return {
    batches: gauge(answer.text, 'indicium_store_commit_batches'),
    units: gauge(answer.text, 'indicium_store_commit_units'),
  };
}
