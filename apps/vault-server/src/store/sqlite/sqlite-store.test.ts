import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../create-store.js';
import { describeStoreContract } from '../testing/describe-store-contract.js';

// The whole store contract on SQLite, each test on a real database file in its own directory.
describeStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'indicium-store-'));
  return {
    open: () => createStore({ kind: 'sqlite', path: join(dir, 'vault.db') }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
