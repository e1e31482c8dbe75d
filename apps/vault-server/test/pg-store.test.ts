import { createStore } from '../src/store/create-store.js';
import { describeStoreContract } from '../src/store/testing/describe-store-contract.js';
import { usePostgresServer } from './support/postgres-test-server.js';

// The whole store contract on PostgreSQL (DESIGN §10): the very suite SQLite passes, each test on
// a fresh database of a throwaway cluster this file starts and stops.
const server = usePostgresServer();

describeStoreContract('postgresql', async () => {
  const url = await server().createDatabase('contract');
  return {
    open: () => createStore({ kind: 'postgresql', url }),
    dispose: () => server().dropDatabase(url),
  };
});
