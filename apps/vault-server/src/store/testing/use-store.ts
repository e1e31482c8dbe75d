import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../store.js';
import type { MakeStoreHarness, StoreHarness } from './store-harness.js';

/** A fresh store per test, closed and removed after it; `reopen` closes and opens the same database. */
export function useStore(makeHarness: MakeStoreHarness) {
  let harness: StoreHarness | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    harness = await makeHarness();
    store = await harness.open();
  });
  afterEach(async () => {
    await store?.close();
    await harness?.dispose();
    store = undefined;
    harness = undefined;
  });
  const current = (): Store => {
    if (store === undefined) throw new Error('no store: useStore runs per test');
    return store;
  };
  return {
    get store(): Store {
      return current();
    },
    async reopen(): Promise<Store> {
      await current().close();
      if (harness === undefined) throw new Error('no harness');
      store = await harness.open();
      return store;
    },
  };
}
