import { IndiciumError } from '@indicium/protocol';
import { checkCommitUnit, LedgerWriteSchema } from '../commit-unit.js';
import { createGroupCommit } from '../group-commit.js';
import { MIGRATIONS } from '../migrations.js';
import type { Store } from '../store.js';
import { LicenceIdSchema, ModuleIdSchema, parseStoreInput } from '../store-fields.js';
import {
  AccountCreateSchema,
  CustomerCreateSchema,
  LicenceCreateSchema,
  LicenceTransitionSchema,
  ModuleStatusChangeSchema,
  NowSchema,
  SessionCreateSchema,
} from '../store-inputs.js';
import { applySqliteMigrations } from './apply-sqlite-migrations.js';
import { mapSqliteBatchError, mapSqliteError } from './map-sqlite-error.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { createSqliteReads } from './sqlite-reads.js';
import { toAccount, toCustomer, toLicence, toModule, toStock } from './sqlite-rows.js';
import { prepareSqliteStatements } from './sqlite-statements.js';
import { appendLedgerEntry, writeCommitUnit } from './write-commit-unit.js';

export interface SqliteStoreOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly maxBatchUnits: number;
  readonly clock: () => number;
}

/**
 * The SQLite store: one connection, every write through one group-commit queue (so account writes
 * are as durable as indicia and never interleave with a batch), reads on the same connection
 * between batches (a batch runs within one synchronous call, so a read never sees half of one).
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const { clock } = options;
  const db = openSqliteDatabase(options);
  let s: ReturnType<typeof prepareSqliteStatements>;
  try {
    applySqliteMigrations(db, MIGRATIONS, options.path, clock);
    s = prepareSqliteStatements(db);
  } catch (error) {
    db.close();
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
    clock,
    maxBatchUnits: options.maxBatchUnits,
  });
  let open = true;
  const ensureOpen = (): void => {
    if (!open) throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'the store is closed' });
  };
  /** A write of its own: queued with the units, durable when it resolves. */
  const write = async <T>(work: (nowMs: number) => T): Promise<T> =>
    (await writer.enqueue(() => work(clock()))).value;
  const reads = createSqliteReads(s, ensureOpen);

  return {
    dialect: 'sqlite',
    ...reads,

    async commit(input) {
      ensureOpen();
      // Parsing copies every object and byte array: the caller may reuse its own before the batch runs.
      const unit = checkCommitUnit(input);
      return (await writer.enqueue(() => writeCommitUnit(s, unit, clock()))).receipt;
    },

    modules: {
      ...reads.modules,
      async setStatus(moduleId, input) {
        ensureOpen();
        const change = parseStoreInput(ModuleStatusChangeSchema, input, 'change');
        const id = parseStoreInput(ModuleIdSchema, moduleId, 'moduleId');
        return write((now) => {
          s.moduleStatus.run(id, change.status, change.inhibited ? 1 : 0, now);
          return toModule(s.moduleGet.get(id) as NonNullable<ReturnType<typeof s.moduleGet.get>>);
        });
      },
    },

    customers: {
      ...reads.customers,
      async create(input) {
        ensureOpen();
        const c = parseStoreInput(CustomerCreateSchema, input, 'customer');
        return write((now) => {
          s.customerInsert.run(c.customerId, c.displayName, now);
          return toCustomer({ customer_id: c.customerId, display_name: c.displayName, created_at_ms: now });
        });
      },
    },

    accounts: {
      ...reads.accounts,
      async create(input) {
        ensureOpen();
        const a = parseStoreInput(AccountCreateSchema, input, 'account');
        return write((now) => {
          s.customerInsert.run(a.customerId, a.displayName, now);
          s.accountInsert.run(a.customerId, a.email, a.email.toLowerCase(), a.passwordHash, now);
          return toAccount({
            customer_id: a.customerId,
            email: a.email,
            password_hash: a.passwordHash,
            created_at_ms: now,
          });
        });
      },
    },

    sessions: {
      ...reads.sessions,
      async create(input) {
        ensureOpen();
        const x = parseStoreInput(SessionCreateSchema, input, 'session');
        return write(() => {
          s.sessionInsert.run(x.idHash, x.customerId, x.csrfTokenHash, x.createdAtMs, x.expiresAtMs);
          return { ...x, idHash: new Uint8Array(x.idHash), csrfTokenHash: new Uint8Array(x.csrfTokenHash) };
        });
      },
      async delete(idHash) {
        ensureOpen();
        const id = parseStoreInput(SessionCreateSchema.shape.idHash, idHash, 'idHash');
        await write(() => s.sessionDelete.run(id));
      },
      async deleteExpired(nowMs) {
        ensureOpen();
        const now = parseStoreInput(NowSchema, nowMs, 'nowMs');
        return write(() => s.sessionDeleteExpired.run(now).changes);
      },
    },

    licences: {
      ...reads.licences,
      async create(input) {
        ensureOpen();
        const l = parseStoreInput(LicenceCreateSchema, input, 'licence');
        return write((now) => {
          s.licenceInsert.run(l.licenceId, l.customerId, l.licensingZip, now, now);
          return toLicence(s.licenceGet.get(l.licenceId) as NonNullable<ReturnType<typeof s.licenceGet.get>>);
        });
      },
      async transition(licenceId, input) {
        ensureOpen();
        const id = parseStoreInput(LicenceIdSchema, licenceId, 'licenceId');
        const t = parseStoreInput(LicenceTransitionSchema, input, 'change');
        return write((now) => {
          const changed = s.licenceTransition.run(t.to, t.meterId ?? null, now, id, t.from).changes;
          const row = s.licenceGet.get(id);
          if (row === undefined) throw new IndiciumError('NOT_FOUND', { field: 'licenceId' });
          if (changed !== 1) {
            throw new IndiciumError('WRONG_STATE', {
              field: 'from',
              detail: `the licence is ${row.status}, not ${t.from}`,
              details: { status: row.status },
            });
          }
          return toLicence(row);
        });
      },
    },

    ledger: {
      ...reads.ledger,
      async append(input) {
        ensureOpen();
        const e = parseStoreInput(LedgerWriteSchema, input, 'entry');
        return write((now) => appendLedgerEntry(s, e, now));
      },
    },

    meterStock: {
      ...reads.meterStock,
      async claim(customerId) {
        ensureOpen();
        const id = parseStoreInput(CustomerCreateSchema.shape.customerId, customerId, 'customerId');
        return write((now) => {
          const oldest = s.stockOldest.get();
          if (oldest === undefined) return null;
          s.stockClaim.run(id, now, oldest.meter_id);
          return toStock({ ...oldest, claimed_by: id, claimed_at_ms: now });
        });
      },
    },

    stats: () => writer.stats(),

    async close() {
      if (!open) return;
      open = false;
      writer.closeAndFlush();
      db.close();
    },
  };
}
