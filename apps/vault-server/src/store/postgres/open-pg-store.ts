import { IndiciumError, MeterIdSchema } from '@indicium/protocol';
import pg from 'pg';
import { checkCommitUnit, LedgerWriteSchema } from '../commit-unit.js';
import { MIGRATIONS } from '../migrations.js';
import {
  type CustomerRow,
  type LicenceRow,
  type ModuleRow,
  type StockRow,
  toAccount,
  toCustomer,
  toLicence,
  toModule,
  toStock,
} from '../sqlite/sqlite-rows.js';
import type { Store } from '../store.js';
import { LicenceIdSchema, ModuleIdSchema, parseStoreInput } from '../store-fields.js';
import {
  AccountCreateSchema,
  CustomerCreateSchema,
  LicenceCreateSchema,
  LicenceTransitionSchema,
  LOGIN_FAILURE_SWEEP_ROWS,
  LoginFailureSchema,
  LoginKeyHashSchema,
  ModuleStatusChangeSchema,
  NowSchema,
  RegistrationTokenCreateSchema,
  SessionCreateSchema,
  TokenHashSchema,
} from '../store-inputs.js';
import { applyPgMigrations } from './apply-pg-migrations.js';
import { clientConfig, type PgSessionSettings, redactUrl, writerSessionSql } from './pg-connection.js';
import { createPgGroupCommit, type PgWork } from './pg-group-commit.js';
import { createPgMeterLocks } from './pg-meter-locks.js';
import { pgChanges, pgRow } from './pg-query.js';
import { createPgReads } from './pg-reads.js';
import { appendPgLedgerEntry, unitMeters, writePgCommitUnit } from './write-pg-commit-unit.js';

export interface PgStoreOptions extends PgSessionSettings {
  readonly url: string;
  /** Connections for reads (the writer has one more of its own). */
  readonly maxReadConnections: number;
  /** Connections holding meters across nodes (`pg-meter-locks.ts`). */
  readonly maxMeterLocks: number;
  readonly meterLockTimeoutMs: number;
  readonly maxBatchUnits: number;
  readonly clock: () => number;
}

/**
 * The PostgreSQL store (DESIGN §10): one writer connection per vault node carrying every write
 * through the group commit (`pg-group-commit.ts`: batches, a savepoint per unit, a row lock per
 * meter, no answer before COMMIT), and a small pool for reads. Several nodes share one database;
 * what keeps them from double-spending a meter is the row lock and the version check, not any
 * state in the node.
 *
 * Refusals when opening: VAULT_UNAVAILABLE (the database cannot be reached or refuses the login;
 * `details.database` is the URL without its password), VAULT_DATA_REFUSED (`schema`).
 */
export async function openPgStore(options: PgStoreOptions): Promise<Store> {
  const { clock, url } = options;
  const database = redactUrl(url);
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client(clientConfig(url, 'writer'));
    // Until the group commit installs its own, a failing connection must not crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(writerSessionSql(options));
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new IndiciumError('VAULT_UNAVAILABLE', {
        detail: `cannot open the PostgreSQL database ${database}`,
        details: { database },
        cause: error,
      });
    }
    return client;
  };

  const setup = await connect();
  try {
    await applyPgMigrations(setup, MIGRATIONS, database, clock);
  } finally {
    await setup.end().catch(() => undefined);
  }

  const readPool = new pg.Pool({ ...clientConfig(url, 'reader'), max: options.maxReadConnections });
  // An idle pooled connection the server ended is dropped by the pool; the next read opens another.
  readPool.on('error', () => undefined);
  const writer = createPgGroupCommit({ connect, clock, maxBatchUnits: options.maxBatchUnits });
  const meterLocks = createPgMeterLocks({
    url,
    maxConnections: options.maxMeterLocks,
    waitTimeoutMs: options.meterLockTimeoutMs,
  });
  let open = true;
  const ensureOpen = (): void => {
    if (!open) throw new IndiciumError('VAULT_UNAVAILABLE', { detail: 'the store is closed' });
  };
  /** A write of its own: queued with the units, durable when it resolves. */
  const write = async <T>(work: (c: pg.ClientBase, nowMs: number) => Promise<T>): Promise<T> =>
    (await writer.enqueue<T>((c) => work(c, clock()))).value;
  const reads = createPgReads(readPool, ensureOpen);

  return {
    dialect: 'postgresql',
    ...reads,

    async commit(input) {
      ensureOpen();
      // Parsing copies every object and byte array: the caller may reuse its own before the batch runs.
      const unit = checkCommitUnit(input);
      const work: PgWork<void> = (c) => writePgCommitUnit(c, unit, clock());
      return (await writer.enqueue(work, unitMeters(unit))).receipt;
    },

    modules: {
      ...reads.modules,
      async setStatus(moduleId, input) {
        ensureOpen();
        const change = parseStoreInput(ModuleStatusChangeSchema, input, 'change');
        const id = parseStoreInput(ModuleIdSchema, moduleId, 'moduleId');
        return write(async (c, now) => {
          const row = await pgRow<ModuleRow>(c, 'moduleStatus', [
            id,
            change.status,
            change.inhibited ? 1 : 0,
            now,
          ]);
          if (row === undefined) throw new Error('module row missing right after its upsert');
          return toModule(row);
        });
      },
    },

    customers: {
      ...reads.customers,
      async create(input) {
        ensureOpen();
        const x = parseStoreInput(CustomerCreateSchema, input, 'customer');
        return write(async (c, now) => {
          await pgChanges(c, 'customerInsert', [x.customerId, x.displayName, now]);
          const row: CustomerRow = {
            customer_id: x.customerId,
            display_name: x.displayName,
            created_at_ms: now,
          };
          return toCustomer(row);
        });
      },
    },

    accounts: {
      ...reads.accounts,
      async create(input) {
        ensureOpen();
        const a = parseStoreInput(AccountCreateSchema, input, 'account');
        return write(async (c, now) => {
          await pgChanges(c, 'customerInsert', [a.customerId, a.displayName, now]);
          await pgChanges(c, 'accountInsert', [
            a.customerId,
            a.email,
            a.email.toLowerCase(),
            a.passwordHash,
            now,
          ]);
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
        return write(async (c) => {
          await pgChanges(c, 'sessionInsert', [
            x.idHash,
            x.customerId,
            x.csrfTokenHash,
            x.createdAtMs,
            x.expiresAtMs,
          ]);
          return { ...x, idHash: new Uint8Array(x.idHash), csrfTokenHash: new Uint8Array(x.csrfTokenHash) };
        });
      },
      async delete(idHash) {
        ensureOpen();
        const id = parseStoreInput(SessionCreateSchema.shape.idHash, idHash, 'idHash');
        await write((c) => pgChanges(c, 'sessionDelete', [id]));
      },
      async deleteExpired(nowMs) {
        ensureOpen();
        const now = parseStoreInput(NowSchema, nowMs, 'nowMs');
        return write((c) => pgChanges(c, 'sessionDeleteExpired', [now]));
      },
    },

    registrationTokens: {
      ...reads.registrationTokens,
      async issue(input) {
        ensureOpen();
        const t = parseStoreInput(RegistrationTokenCreateSchema, input, 'grant');
        return write(async (c) => {
          await pgChanges(c, 'registrationTokenDeleteExpired', [t.createdAtMs]);
          await pgChanges(c, 'registrationTokenInsert', [
            t.tokenHash,
            t.meterId,
            t.customerId,
            t.userId,
            t.mode,
            t.createdAtMs,
            t.expiresAtMs,
          ]);
          return { ...t, tokenHash: new Uint8Array(t.tokenHash) };
        });
      },
      async consume(tokenHash, meterId) {
        ensureOpen();
        const hash = parseStoreInput(TokenHashSchema, tokenHash, 'tokenHash');
        const meter = parseStoreInput(MeterIdSchema, meterId, 'meterId');
        return write(async (c) => (await pgChanges(c, 'registrationTokenConsume', [hash, meter])) === 1);
      },
    },

    loginFailures: {
      ...reads.loginFailures,
      async record(input) {
        ensureOpen();
        const f = parseStoreInput(LoginFailureSchema, input, 'failure');
        await write(async (c) => {
          await pgChanges(c, 'loginFailureSweep', [f.failedAtMs - f.windowMs, LOGIN_FAILURE_SWEEP_ROWS]);
          await pgChanges(c, 'loginFailureInsert', ['account', f.accountHash, f.failedAtMs]);
          await pgChanges(c, 'loginFailureInsert', ['ip', f.ipHash, f.failedAtMs]);
        });
      },
      async clearAccount(accountHash) {
        ensureOpen();
        const hash = parseStoreInput(LoginKeyHashSchema, accountHash, 'accountHash');
        return write(async (c) => pgChanges(c, 'loginFailureClearAccount', [hash]));
      },
    },

    licences: {
      ...reads.licences,
      async create(input) {
        ensureOpen();
        const l = parseStoreInput(LicenceCreateSchema, input, 'licence');
        return write(async (c, now) => {
          const row = await pgRow<LicenceRow>(c, 'licenceInsert', [
            l.licenceId,
            l.customerId,
            l.licensingZip,
            now,
          ]);
          if (row === undefined) throw new Error('licence row missing right after its insert');
          return toLicence(row);
        });
      },
      async transition(licenceId, input) {
        ensureOpen();
        const id = parseStoreInput(LicenceIdSchema, licenceId, 'licenceId');
        const t = parseStoreInput(LicenceTransitionSchema, input, 'change');
        return write(async (c, now) => {
          // Under READ COMMITTED the UPDATE re-checks `status` on the row as another node left it.
          const changed = await pgRow<LicenceRow>(c, 'licenceTransition', [
            t.to,
            t.meterId ?? null,
            now,
            id,
            t.from,
          ]);
          if (changed !== undefined) return toLicence(changed);
          const row = await pgRow<LicenceRow>(c, 'licenceGet', [id]);
          if (row === undefined) throw new IndiciumError('NOT_FOUND', { field: 'licenceId' });
          throw new IndiciumError('WRONG_STATE', {
            field: 'from',
            detail: `the licence is ${row.status}, not ${t.from}`,
            details: { status: row.status },
          });
        });
      },
    },

    ledger: {
      ...reads.ledger,
      async append(input) {
        ensureOpen();
        const e = parseStoreInput(LedgerWriteSchema, input, 'entry');
        return write((c, now) => appendPgLedgerEntry(c, e, now));
      },
    },

    meterStock: {
      ...reads.meterStock,
      async claim(customerId) {
        ensureOpen();
        const id = parseStoreInput(CustomerCreateSchema.shape.customerId, customerId, 'customerId');
        return write(async (c, now) => {
          const row = await pgRow<StockRow>(c, 'stockClaim', [id, now]);
          return row === undefined ? null : toStock(row);
        });
      },
    },

    meterLocks: { withMeter: (meterId, fn) => meterLocks.withMeter(meterId, fn) },

    stats: () => writer.stats(),

    async close() {
      if (!open) return;
      open = false;
      await writer.closeAndFlush();
      await Promise.all([readPool.end(), meterLocks.close()]);
    },
  };
}
