import type { CommitUnit } from './commit-unit.js';
import type {
  AccountRecord,
  AuditRecord,
  CertificateRecord,
  CustomerRecord,
  IndiciumRecord,
  LedgerKind,
  LedgerRecord,
  LicenceRecord,
  LicenceStatus,
  LoginFailureCount,
  LoginFailureKind,
  MeterUserRecord,
  ModuleRecord,
  ModuleStatus,
  PackageRecord,
  ProviderMessageRecord,
  RegistrationTokenRecord,
  SessionRecord,
  StockRecord,
} from './store-records.js';

/**
 * The vault's one storage interface (DESIGN §6, §10), implemented on SQLite now and on PostgreSQL
 * next. Every method is async, so a caller never learns which database it talks to, and every
 * write — a commit unit or one of the small account writes below — is durable when its promise
 * resolves. Refusals are `IndiciumError`s: `INVALID_FIELD` (a bad input, refused before it is
 * queued), `STALE_PACKAGE` (a lost update), `DUPLICATE_RECORD` / `ACCOUNT_EXISTS` (a unique key
 * taken), `WRONG_STATE` (a licence not in the expected status), `VAULT_UNAVAILABLE` (closed).
 *
 * @example
 * const store = await createStore({ kind: 'sqlite', path: '/var/lib/indicium/vault.db' });
 * const stored = await store.findIndiciumByRequestMac(mac); // a retry: send `stored.answer` again
 * if (stored === null) {
 *   // …the module ran the command…
 *   await store.commit({ package, checkpoint, auditEntries, indicium }); // then send the answer
 * }
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgresql';

  /**
   * Writes one unit atomically and durably. Units that arrive while a batch is being committed
   * join the next batch: one transaction and one sync per batch (group commit). The promise
   * resolves only after its batch's COMMIT returned, and a unit that fails (a stale package, a
   * duplicate key) fails alone: its batch-mates still commit.
   */
  commit(unit: CommitUnit): Promise<CommitReceipt>;

  /** The stored answer of a committed request (DESIGN §4.3 retry), or null. */
  findIndiciumByRequestMac(requestMac: Uint8Array): Promise<IndiciumRecord | null>;

  readonly packages: {
    get(meterId: string): Promise<PackageRecord | null>;
    listByCustomer(customerId: string): Promise<readonly PackageRecord[]>;
    /**
     * Every meter's package in meter-id (byte) order, one bounded page after `after`: what a
     * rollover sweep walks to find packages still under an old MKS (DESIGN §3.4).
     */
    list(page: { limit: number; after?: string }): Promise<readonly PackageRecord[]>;
  };
  readonly modules: {
    get(moduleId: string): Promise<ModuleRecord | null>;
    list(): Promise<readonly ModuleRecord[]>;
    /** Registers a module (no checkpoint yet), or changes its status and inhibited flag. */
    setStatus(moduleId: string, change: { status: ModuleStatus; inhibited: boolean }): Promise<ModuleRecord>;
  };
  readonly indicia: {
    get(indiciumId: string): Promise<IndiciumRecord | null>;
    /** Newest first; `before` is the `nextCursor` of the previous page. */
    listByMeter(meterId: string, page: { limit: number; before?: IndiciumCursor }): Promise<IndiciumPage>;
  };
  readonly audit: {
    /** Entries of one module in sequence order, from `fromSequence` on. */
    listByModule(
      moduleId: string,
      page: { fromSequence: number; limit: number },
    ): Promise<readonly AuditRecord[]>;
    latest(moduleId: string): Promise<AuditRecord | null>;
    moduleIds(): Promise<readonly string[]>;
  };
  readonly customers: {
    create(customer: { customerId: string; displayName: string }): Promise<CustomerRecord>;
    get(customerId: string): Promise<CustomerRecord | null>;
  };
  readonly accounts: {
    /** Sign-up: the customer and its account in one transaction; ACCOUNT_EXISTS if the e-mail is taken. */
    create(account: {
      customerId: string;
      displayName: string;
      email: string;
      passwordHash: string;
    }): Promise<AccountRecord>;
    findByEmail(email: string): Promise<AccountRecord | null>;
    getByCustomer(customerId: string): Promise<AccountRecord | null>;
  };
  readonly sessions: {
    /** The caller's clock stamps a session (it also sets the expiry); DUPLICATE_RECORD if the id is taken. */
    create(session: SessionRecord): Promise<SessionRecord>;
    /** The session if it exists and has not expired at `nowMs`. */
    find(idHash: Uint8Array, nowMs: number): Promise<SessionRecord | null>;
    delete(idHash: Uint8Array): Promise<void>;
    deleteExpired(nowMs: number): Promise<number>;
  };
  /**
   * One-time registration tokens (DESIGN §4.2), shared by every node on the database (issue 8): the
   * web API issues one on one node, the companion may present it to another. Only the SHA-256 of a
   * token is stored and asked for.
   */
  readonly registrationTokens: {
    /**
     * Stores a grant; in the same write, deletes every grant expired at its `createdAtMs` (the sweep:
     * tokens are issued often enough, and a stale row grants nothing since `find` checks the expiry).
     * DUPLICATE_RECORD (`tokenHash`) if the hash is taken.
     */
    issue(grant: RegistrationTokenRecord): Promise<RegistrationTokenRecord>;
    /** The grant of this hash for this meter if it has not expired at `nowMs`, or null. */
    find(tokenHash: Uint8Array, meterId: string, nowMs: number): Promise<RegistrationTokenRecord | null>;
    /**
     * Deletes the grant of this hash for this meter, atomically: of two callers (on any nodes) only
     * one gets true; false if it was consumed already or never issued. A commit unit can consume a
     * token too (`consumedRegistrationToken`), all or nothing with the registration it ends.
     */
    consume(tokenHash: Uint8Array, meterId: string): Promise<boolean>;
  };
  /**
   * Failed logins (DESIGN §6), shared by every node on the database (issue 8): a guess refused on
   * one node counts on all, and a restart forgets nothing. Keys are SHA-256 hashes of the e-mail or
   * client address, never the values. Writes take the normal (durable) write path: a failure is
   * committed before the refusal is answered.
   */
  readonly loginFailures: {
    /**
     * Records a failure of `accountHash` and of `ipHash` at `failedAtMs`; in the same write deletes
     * up to LOGIN_FAILURE_SWEEP_ROWS rows at or before `failedAtMs - windowMs` (the sweep: they no
     * longer count in any window).
     */
    record(failure: {
      accountHash: Uint8Array;
      ipHash: Uint8Array;
      failedAtMs: number;
      windowMs: number;
    }): Promise<void>;
    /**
     * The failures of one key after `sinceMs`, newest first, at most `limit` of them: how many, and
     * the time of the oldest counted (so a throttle can say exactly when the `limit`-th newest
     * leaves the window). Reads at most `limit` index entries, however many failures there are.
     */
    count(query: {
      kind: LoginFailureKind;
      keyHash: Uint8Array;
      sinceMs: number;
      limit: number;
    }): Promise<LoginFailureCount>;
    /** Deletes an account's failures (a successful login), never an address's. Resolves with the rows deleted. */
    clearAccount(accountHash: Uint8Array): Promise<number>;
  };
  readonly licences: {
    create(licence: { licenceId: string; customerId: string; licensingZip: string }): Promise<LicenceRecord>;
    get(licenceId: string): Promise<LicenceRecord | null>;
    listByCustomer(customerId: string): Promise<readonly LicenceRecord[]>;
    /** Moves a licence from `from` to `to` (WRONG_STATE if it is not in `from`): no lost decision. */
    transition(
      licenceId: string,
      change: { from: LicenceStatus; to: LicenceStatus; meterId?: string },
    ): Promise<LicenceRecord>;
  };
  readonly ledger: {
    /**
     * Appends a funds entry. A retry with the same (customer, idempotency key) and the same content
     * returns the stored entry with `created: false`; different content is DUPLICATE_RECORD.
     */
    append(entry: Omit<LedgerRecord, 'createdAtMs'>): Promise<{ entry: LedgerRecord; created: boolean }>;
    listByCustomer(customerId: string): Promise<readonly LedgerRecord[]>;
    /** Sum of amounts per kind for one customer. */
    totals(customerId: string): Promise<Readonly<Record<LedgerKind, number>>>;
  };
  readonly certificates: {
    get(serial: number): Promise<CertificateRecord | null>;
    listByMeter(meterId: string): Promise<readonly CertificateRecord[]>;
  };
  readonly providerMessages: {
    findByNonce(nonce: Uint8Array): Promise<ProviderMessageRecord | null>;
    listByMeter(meterId: string): Promise<readonly ProviderMessageRecord[]>;
  };
  readonly meterUsers: {
    get(meterId: string, userId: string): Promise<MeterUserRecord | null>;
    listByMeter(meterId: string): Promise<readonly MeterUserRecord[]>;
    listByCustomer(customerId: string): Promise<readonly MeterUserRecord[]>;
  };
  readonly meterStock: {
    /** Fresh meters not yet claimed. */
    available(): Promise<number>;
    /** Claims the oldest fresh meter for a customer, or null when the stock is empty. */
    claim(customerId: string): Promise<StockRecord | null>;
    get(meterId: string): Promise<StockRecord | null>;
  };

  /**
   * The meter lock across vault nodes (DESIGN §10), present where several nodes share the database
   * (PostgreSQL): a node holds it from reading a meter's package to the commit of its unit. Absent
   * on SQLite, whose one node serialises meters in its pool (`withMeter`).
   */
  readonly meterLocks?: MeterLocks;

  /** Group-commit counters since open (in-process numbers, for `/metrics` and the bench). */
  stats(): StoreStats;

  /** Commits what is queued, then closes; later calls are refused with VAULT_UNAVAILABLE. */
  close(): Promise<void>;
}

/** Runs `fn` holding a meter exclusively across every vault node on the database; VAULT_BUSY if it waited too long. */
export interface MeterLocks {
  withMeter<T>(meterId: string, fn: () => Promise<T>): Promise<T>;
}

/** What a resolved commit tells its caller about the batch that carried it. */
export interface CommitReceipt {
  /** Increases by one per committed batch since open. */
  readonly batch: number;
  /** Units in that batch, this one included (failed ones too). */
  readonly batchUnits: number;
  readonly committedAtMs: number;
}

export interface StoreStats {
  readonly batches: number;
  readonly units: number;
  readonly failedUnits: number;
  readonly largestBatch: number;
}

/** Position in a meter's history: the last item of the previous page. */
export interface IndiciumCursor {
  readonly createdAtMs: number;
  readonly indiciumId: string;
}

export interface IndiciumPage {
  readonly items: readonly IndiciumRecord[];
  readonly nextCursor: IndiciumCursor | null;
}
