import type { Store } from '../store.js';

/**
 * How the store contract reaches one implementation: each harness owns one fresh database, which
 * `open` opens (again, after a close, to test what survived).
 */
export interface StoreHarness {
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

export type MakeStoreHarness = () => Promise<StoreHarness>;
