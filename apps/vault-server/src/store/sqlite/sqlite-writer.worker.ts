import { parentPort, workerData } from 'node:worker_threads';
import { createGroupCommit } from '../group-commit.js';
import { mapSqliteBatchError, mapSqliteError } from './map-sqlite-error.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { prepareSqliteStatements } from './sqlite-statements.js';
import type { FromWriter, SqliteWriterData, ToWriter, WriteResult } from './sqlite-writer-messages.js';
import { runSqliteWrite } from './sqlite-writes.js';
import { transportError } from './transported-error.js';

/**
 * The SQLite store's writer thread (DESIGN §6): owns the only write connection and runs the group
 * commit, so the COMMIT's WAL sync (`synchronous = FULL`) blocks this thread, not the vault's event
 * loop. Writes posted while a batch syncs queue here and form the next batch. A batch's results go
 * back in one message, sent only after its COMMIT returned: no answer before its batch is durable.
 */
const port = parentPort;
if (port === null) throw new Error('sqlite-writer.worker.ts runs only as a worker thread');
const data = workerData as SqliteWriterData;

function post(message: FromWriter): void {
  (port as NonNullable<typeof port>).postMessage(message);
}

let db: ReturnType<typeof openSqliteDatabase>;
let s: ReturnType<typeof prepareSqliteStatements>;
try {
  db = openSqliteDatabase(data);
  s = prepareSqliteStatements(db);
} catch (error) {
  post({ type: 'open-failed', error: transportError(error) });
  port.close();
  throw error;
}

const writer = createGroupCommit({
  transaction: {
    begin: () => s.begin.run(),
    commit: () => s.commit.run(),
    rollback: () => s.rollback.run(),
    savepoint: () => s.savepoint.run(),
    release: () => s.release.run(),
    rollbackToSavepoint: () => s.rollbackTo.run(),
    inTransaction: () => db.inTransaction,
  },
  mapError: mapSqliteError,
  mapBatchError: mapSqliteBatchError,
  clock: Date.now,
  maxBatchUnits: data.maxBatchUnits,
});

// A batch settles its jobs' promises together; their results are gathered and sent as one message.
let outbox: WriteResult[] = [];
function send(result: WriteResult): void {
  if (outbox.length === 0) queueMicrotask(flushOutbox);
  outbox.push(result);
}
function flushOnce(): void {
  const results = outbox;
  outbox = [];
  post({ type: 'results', results, stats: writer.stats() });
}
function flushOutbox(): void {
  if (outbox.length > 0) flushOnce();
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    writer.closeAndFlush();
    // The last batch's promises settle in the microtasks after this; send, then let the thread end.
    setImmediate(() => {
      flushOutbox();
      db.close();
      port.close();
    });
    return;
  }
  for (const { id, write, nowMs } of message.jobs) {
    writer
      .enqueue(() => runSqliteWrite(s, write, nowMs))
      .then(
        ({ value, receipt }) =>
          send({ id, ok: true, value, receipt: { batch: receipt.batch, batchUnits: receipt.batchUnits } }),
        (error: unknown) => send({ id, ok: false, error: transportError(error) }),
      );
  }
});
post({ type: 'ready' });
