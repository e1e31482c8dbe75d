import type { Store } from '../store/store.js';

/** The slice of the store web accounts use (DESIGN §6): accounts, their customers, sessions. */
export type AccountsStore = Pick<Store, 'accounts' | 'customers' | 'sessions'>;
