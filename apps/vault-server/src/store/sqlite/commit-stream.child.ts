import { createStore } from '../create-store.js';
import { auditEntry, indiciumWrite, meterId, sha256 } from '../testing/store-fixtures.js';

/**
 * The crash test's child process (run with tsx): commits Create-Indicium-shaped units for a few
 * meters as fast as it can, and prints each unit's number on stdout only after its commit resolved.
 * The parent SIGKILLs it mid-stream; every number printed must then be in the database, whole.
 *
 * Usage: node --conditions=@indicium/source --import tsx commit-stream.child.ts <database path> <meters>
 */
const [path, metersText] = process.argv.slice(2);
if (path === undefined || metersText === undefined)
  throw new Error('usage: commit-stream.child.ts <path> <meters>');
const meters = Number(metersText);
const MODULE = 'crash-module';

const store = await createStore({ kind: 'sqlite', path });
await Promise.all(
  Array.from({ length: meters }, (_, m) =>
    store.commit({
      package: {
        meterId: meterId(m + 1),
        customerId: null,
        version: 1,
        replacesVersion: null,
        state: 'leased',
        bytes: sha256('unit -1'),
      },
    }),
  ),
);
process.stdout.write('ready\n');

let next = 0;
async function streamMeter(n: number): Promise<never> {
  for (let version = 1; ; version++) {
    const i = next++;
    await store.commit({
      package: {
        meterId: meterId(n),
        customerId: null,
        version: version + 1,
        replacesVersion: version,
        state: 'leased',
        bytes: sha256(`unit ${i}`),
      },
      checkpoint: { moduleId: MODULE, checkpoint: sha256(`unit ${i}`) },
      auditEntries: [{ moduleId: MODULE, entry: auditEntry(MODULE, i) }],
      indicium: {
        ...indiciumWrite(n, `unit-${String(i).padStart(6, '0')}`),
        requestMac: sha256(`request ${i}`),
      },
    });
    // Written synchronously (stdout is a pipe): printed means resolved means committed.
    process.stdout.write(`${i}\n`);
  }
}

await Promise.all(Array.from({ length: meters }, (_, m) => streamMeter(m + 1)));
