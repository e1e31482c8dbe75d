import { IndiciumError, MeterIdSchema } from '@indicium/protocol';
import { checkCommitUnit, LedgerWriteSchema } from '../commit-unit.js';
import { MIGRATIONS } from '../migrations.js';
import type { Store } from '../store.js';
import { LicenceIdSchema, ModuleIdSchema, parseStoreInput } from '../store-fields.js';
import {
  AccountCreateSchema,
  CustomerCreateSchema,
  LicenceCreateSchema,
  LicenceTransitionSchema,
  LoginFailureSchema,
  LoginKeyHashSchema,
  ModuleStatusChangeSchema,
  NowSchema,
  RegistrationTokenCreateSchema,
  SessionCreateSchema,
  TokenHashSchema,
} from '../store-inputs.js';
import { applySqliteMigrations } from './apply-sqlite-migrations.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { createSqliteReads } from './sqlite-reads.js';
import { prepareSqliteStatements } from './sqlite-statements.js';
import { SqliteWriter } from './sqlite-writer.js';
import type { SqliteWrite } from './sqlite-writes.js';

export interface SqliteStoreOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly maxBatchUnits: number;
  readonly clock: () => number;
}

/**
 * The SQLite store: two connections to one WAL database. Every write goes to the writer thread
 * (`sqlite-writer.ts`), which owns the write connection and its group commit, so account writes
 * are as durable as indicia, never interleave with a batch, and the COMMIT's sync never blocks this
 * thread. Reads run here on their own connection: WAL gives each statement a snapshot of committed
 * batches only, and a write has resolved only once its batch is committed, so a read after a write
 * sees it.
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
  const writer = new SqliteWriter(options);
  let open = true;
  const ensureOpen = (): void => {
    if (!open) throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'the store is closed' });
  };
  /** A write of its own: queued with the units, durable when it resolves. */
  const write = async <T>(w: SqliteWrite): Promise<T> => (await writer.write<T>(w)).value;
  const reads = createSqliteReads(s, ensureOpen);

  return {
    dialect: 'sqlite',
    ...reads,

    async commit(input) {
      ensureOpen();
      // Parsing copies every object and byte array: the caller may reuse its own before the batch runs.
      const unit = checkCommitUnit(input);
      return (await writer.write({ op: 'commit', unit })).receipt;
    },

    modules: {
      ...reads.modules,
      async setStatus(moduleId, input) {
        ensureOpen();
        const change = parseStoreInput(ModuleStatusChangeSchema, input, 'change');
        const id = parseStoreInput(ModuleIdSchema, moduleId, 'moduleId');
        return write({ op: 'module.setStatus', id, change });
      },
    },

    customers: {
      ...reads.customers,
      async create(input) {
        ensureOpen();
        const customer = parseStoreInput(CustomerCreateSchema, input, 'customer');
        return write({ op: 'customer.create', customer });
      },
    },

    accounts: {
      ...reads.accounts,
      async create(input) {
        ensureOpen();
        const account = parseStoreInput(AccountCreateSchema, input, 'account');
        return write({ op: 'account.create', account });
      },
    },

    sessions: {
      ...reads.sessions,
      async create(input) {
        ensureOpen();
        const session = parseStoreInput(SessionCreateSchema, input, 'session');
        return write({ op: 'session.create', session });
      },
      async delete(idHash) {
        ensureOpen();
        const id = parseStoreInput(SessionCreateSchema.shape.idHash, idHash, 'idHash');
        await write({ op: 'session.delete', idHash: id });
      },
      async deleteExpired(nowMs) {
        ensureOpen();
        const now = parseStoreInput(NowSchema, nowMs, 'nowMs');
        return write({ op: 'session.deleteExpired', nowMs: now });
      },
    },

    registrationTokens: {
      ...reads.registrationTokens,
      async issue(input) {
        ensureOpen();
        const grant = parseStoreInput(RegistrationTokenCreateSchema, input, 'grant');
        return write({ op: 'token.issue', grant });
      },
      async consume(tokenHash, meterId) {
        ensureOpen();
        const hash = parseStoreInput(TokenHashSchema, tokenHash, 'tokenHash');
        const meter = parseStoreInput(MeterIdSchema, meterId, 'meterId');
        return write({ op: 'token.consume', tokenHash: hash, meterId: meter });
      },
    },

    loginFailures: {
      ...reads.loginFailures,
      async record(input) {
        ensureOpen();
        const failure = parseStoreInput(LoginFailureSchema, input, 'failure');
        return write({ op: 'loginFailure.record', failure });
      },
      async clearAccount(accountHash) {
        ensureOpen();
        const hash = parseStoreInput(LoginKeyHashSchema, accountHash, 'accountHash');
        return write({ op: 'loginFailure.clearAccount', accountHash: hash });
      },
    },

    licences: {
      ...reads.licences,
      async create(input) {
        ensureOpen();
        const licence = parseStoreInput(LicenceCreateSchema, input, 'licence');
        return write({ op: 'licence.create', licence });
      },
      async transition(licenceId, input) {
        ensureOpen();
        const id = parseStoreInput(LicenceIdSchema, licenceId, 'licenceId');
        const change = parseStoreInput(LicenceTransitionSchema, input, 'change');
        return write({ op: 'licence.transition', id, change });
      },
    },

    ledger: {
      ...reads.ledger,
      async append(input) {
        ensureOpen();
        const entry = parseStoreInput(LedgerWriteSchema, input, 'entry');
        return write({ op: 'ledger.append', entry });
      },
    },

    meterStock: {
      ...reads.meterStock,
      async claim(customerId) {
        ensureOpen();
        const id = parseStoreInput(CustomerCreateSchema.shape.customerId, customerId, 'customerId');
        return write({ op: 'stock.claim', customerId: id });
      },
    },

    stats: () => writer.stats(),

    async close() {
      if (!open) return;
      open = false;
      try {
        await writer.close();
      } finally {
        db.close();
      }
    },
  };
}
