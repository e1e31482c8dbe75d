import { openPgStore } from './postgres/open-pg-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';
import type { Store } from './store.js';
import { parseStoreConfig, type StoreConfig } from './store-config.js';

export interface StoreDependencies {
  /** Stamps records (`createdAtMs`, `updatedAtMs`); epoch ms. Defaults to `Date.now`. */
  readonly clock?: () => number;
}

/**
 * Opens the vault's store: creates the database if it is missing, applies the migrations, and
 * returns the `Store`. Refusals: INVALID_FIELD (a bad config, field `store.<key>`),
 * VAULT_DATA_REFUSED (`details.reason`: `permissions` for a file others may read, `schema` for a
 * database made by a newer vault or with an edited migration, `missing` when it cannot be created),
 * VAULT_UNAVAILABLE (a PostgreSQL database that cannot be reached or refuses the login).
 *
 * @example
 * const store = await createStore({ kind: 'sqlite', path: join(dataDir, 'vault.db') });
 * // several nodes: createStore({ kind: 'postgresql', url: 'postgres://vault@db.internal/indicium' })
 * // … serve …
 * await store.close(); // commits what is queued first
 */
export async function createStore(config: StoreConfig, deps: StoreDependencies = {}): Promise<Store> {
  const parsed = parseStoreConfig(config);
  const clock = deps.clock ?? Date.now;
  switch (parsed.kind) {
    case 'sqlite':
      return openSqliteStore({ ...parsed, clock });
    case 'postgresql':
      return openPgStore({ ...parsed, clock });
  }
}
