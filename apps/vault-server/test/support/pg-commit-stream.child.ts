import { createStore } from '../../src/store/create-store.js';
import { auditEntry, indiciumWrite, meterId, sha256 } from '../../src/store/testing/store-fixtures.js';

/**
 * The PostgreSQL crash test's child (run with tsx): a vault node's store committing
 * Create-Indicium-shaped units for a few meters as fast as it can, each meter's work inside the
 * meter lock across nodes (read the package, commit replacing its version), and printing each
 * unit's number on stdout only after its commit resolved. The parent SIGKILLs it mid-stream.
 *
 * Usage: node --conditions=@indicium/source --import tsx pg-commit-stream.child.ts <url> <meters> <module>
 */
const [url, metersText, moduleArg] = process.argv.slice(2);
if (url === undefined || metersText === undefined || moduleArg === undefined) {
  throw new Error('usage: pg-commit-stream.child.ts <url> <meters> <module>');
}
const moduleId: string = moduleArg;
const meters = Number(metersText);
const store = await createStore({ kind: 'postgresql', url });
const maybeLocks = store.meterLocks;
if (maybeLocks === undefined) throw new Error('a PostgreSQL store has meter locks');
const locks = maybeLocks;
process.stdout.write('ready\n');

let next = 0;
async function streamMeter(n: number): Promise<never> {
  for (;;) {
    const i = next++;
    await locks.withMeter(meterId(n), async () => {
      const pkg = await store.packages.get(meterId(n));
      if (pkg === null) throw new Error(`meter ${n} has no package`);
      await store.commit({
        package: {
          meterId: meterId(n),
          customerId: null,
          version: pkg.version + 1,
          replacesVersion: pkg.version,
          state: 'leased',
          bytes: sha256(`unit ${i}`),
        },
        checkpoint: { moduleId, checkpoint: sha256(`unit ${i}`) },
        auditEntries: [{ moduleId, entry: auditEntry(moduleId, i) }],
        indicium: {
          ...indiciumWrite(n, `unit-${String(i).padStart(6, '0')}`),
          requestMac: sha256(`request ${i}`),
        },
      });
    });
    // Written synchronously (stdout is a pipe): printed means resolved means committed.
    process.stdout.write(`${i}\n`);
  }
}

await Promise.all(Array.from({ length: meters }, (_, m) => streamMeter(m + 1)));
