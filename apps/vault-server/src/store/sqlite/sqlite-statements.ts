import type Database from 'better-sqlite3';
import type {
  AccountRow,
  AuditRow,
  CertificateRow,
  CustomerRow,
  IndiciumRow,
  LedgerRow,
  LicenceRow,
  MeterUserRow,
  ModuleRow,
  PackageRow,
  ProviderMessageRow,
  RegistrationTokenRow,
  SessionRow,
  StockRow,
} from './sqlite-rows.js';

/** A prepared query, as the store uses it. */
export interface RowStatement<T> {
  get(...params: unknown[]): T | undefined;
  all(...params: unknown[]): T[];
}
/** A prepared write; `changes` counts the rows it touched. */
export interface WriteStatement {
  run(...params: unknown[]): { changes: number };
}

/**
 * Every statement the SQLite store runs, prepared once when the store opens: the batch loop only
 * binds and steps. The SQL keeps to what PostgreSQL also accepts (ON CONFLICT, positional
 * parameters aside), so the PostgreSQL store can mirror it statement for statement.
 */
export function prepareSqliteStatements(db: Database.Database) {
  const row = <T>(sql: string): RowStatement<T> => db.prepare<unknown[], T>(sql);
  const write = (sql: string): WriteStatement => db.prepare(sql);
  return {
    begin: write('BEGIN IMMEDIATE'),
    commit: write('COMMIT'),
    rollback: write('ROLLBACK'),
    savepoint: write('SAVEPOINT unit'),
    release: write('RELEASE unit'),
    rollbackTo: write('ROLLBACK TO unit'),

    packageGet: row<PackageRow>('SELECT * FROM psd_packages WHERE meter_id = ?'),
    packagesByCustomer: row<PackageRow>('SELECT * FROM psd_packages WHERE customer_id = ? ORDER BY meter_id'),
    packagesPage: row<PackageRow>('SELECT * FROM psd_packages WHERE meter_id > ? ORDER BY meter_id LIMIT ?'),
    packageInsert: write(`INSERT INTO psd_packages
      (meter_id, customer_id, package_version, state, package_bytes, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (meter_id) DO NOTHING`),
    packageUpdate: write(`UPDATE psd_packages
      SET customer_id = ?, package_version = ?, state = ?, package_bytes = ?, updated_at_ms = ?
      WHERE meter_id = ? AND package_version = ?`),

    moduleGet: row<ModuleRow>('SELECT * FROM modules WHERE module_id = ?'),
    moduleList: row<ModuleRow>('SELECT * FROM modules ORDER BY module_id'),
    moduleCheckpoint: write(`INSERT INTO modules (module_id, checkpoint, status, inhibited, updated_at_ms)
      VALUES (?, ?, 'in-service', 0, ?)
      ON CONFLICT (module_id) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at_ms = excluded.updated_at_ms`),
    moduleCheckpointReplacing: write(`UPDATE modules SET checkpoint = ?, updated_at_ms = ?
      WHERE module_id = ? AND checkpoint = ?`),
    moduleStatus: write(`INSERT INTO modules (module_id, checkpoint, status, inhibited, updated_at_ms)
      VALUES (?, NULL, ?, ?, ?)
      ON CONFLICT (module_id) DO UPDATE
      SET status = excluded.status, inhibited = excluded.inhibited, updated_at_ms = excluded.updated_at_ms`),

    auditInsert:
      write(`INSERT INTO audit_entries (module_id, sequence, entry_json, stored_at_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (module_id, sequence) DO NOTHING`),
    auditGet: row<AuditRow>('SELECT * FROM audit_entries WHERE module_id = ? AND sequence = ?'),
    auditPage: row<AuditRow>(`SELECT * FROM audit_entries WHERE module_id = ? AND sequence >= ?
      ORDER BY sequence LIMIT ?`),
    auditLatest: row<AuditRow>(
      'SELECT * FROM audit_entries WHERE module_id = ? ORDER BY sequence DESC LIMIT 1',
    ),
    auditModules: row<{ module_id: string }>(
      'SELECT DISTINCT module_id FROM audit_entries ORDER BY module_id',
    ),

    indiciumInsert: write(`INSERT INTO issued_indicia (indicium_id, request_mac, meter_id, user_id, kind,
      postage_mills, ascending_register_mills, descending_register_mills, piece_count, indicium, answer,
      created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    indiciumByMac: row<IndiciumRow>('SELECT * FROM issued_indicia WHERE request_mac = ?'),
    indiciumGet: row<IndiciumRow>('SELECT * FROM issued_indicia WHERE indicium_id = ?'),
    indiciaFirstPage: row<IndiciumRow>(`SELECT * FROM issued_indicia WHERE meter_id = ?
      ORDER BY created_at_ms DESC, indicium_id DESC LIMIT ?`),
    indiciaPageBefore: row<IndiciumRow>(`SELECT * FROM issued_indicia WHERE meter_id = ?
      AND (created_at_ms < ? OR (created_at_ms = ? AND indicium_id < ?))
      ORDER BY created_at_ms DESC, indicium_id DESC LIMIT ?`),

    customerInsert: write(
      'INSERT INTO customers (customer_id, display_name, created_at_ms) VALUES (?, ?, ?)',
    ),
    customerGet: row<CustomerRow>('SELECT * FROM customers WHERE customer_id = ?'),
    accountInsert:
      write(`INSERT INTO web_accounts (customer_id, email, email_key, password_hash, created_at_ms)
      VALUES (?, ?, ?, ?, ?)`),
    accountByEmail: row<AccountRow>('SELECT * FROM web_accounts WHERE email_key = ?'),
    accountByCustomer: row<AccountRow>('SELECT * FROM web_accounts WHERE customer_id = ?'),

    sessionInsert: write(`INSERT INTO web_sessions (id_hash, customer_id, csrf_token_hash, created_at_ms,
      expires_at_ms) VALUES (?, ?, ?, ?, ?)`),
    sessionFind: row<SessionRow>('SELECT * FROM web_sessions WHERE id_hash = ? AND expires_at_ms > ?'),
    sessionDelete: write('DELETE FROM web_sessions WHERE id_hash = ?'),
    sessionDeleteExpired: write('DELETE FROM web_sessions WHERE expires_at_ms <= ?'),

    registrationTokenInsert: write(`INSERT INTO registration_tokens (token_hash, meter_id, customer_id,
      user_id, mode, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    registrationTokenFind: row<RegistrationTokenRow>(`SELECT * FROM registration_tokens
      WHERE token_hash = ? AND meter_id = ? AND expires_at_ms > ?`),
    // One statement: of two deletes of one row only one sees `changes` = 1 (the writer runs them in turn).
    registrationTokenConsume: write('DELETE FROM registration_tokens WHERE token_hash = ? AND meter_id = ?'),
    registrationTokenDeleteExpired: write('DELETE FROM registration_tokens WHERE expires_at_ms <= ?'),

    loginFailureInsert: write('INSERT INTO login_failures (kind, key_hash, failed_at_ms) VALUES (?, ?, ?)'),
    loginFailureTimes: row<{ failed_at_ms: number }>(`SELECT failed_at_ms FROM login_failures
      WHERE kind = ? AND key_hash = ? AND failed_at_ms > ? ORDER BY failed_at_ms DESC LIMIT ?`),
    loginFailureClearAccount: write("DELETE FROM login_failures WHERE kind = 'account' AND key_hash = ?"),
    // Bounded: the oldest stale rows only, a batch at a time (by rowid, so no DELETE … LIMIT build option).
    loginFailureSweep: write(`DELETE FROM login_failures WHERE rowid IN
      (SELECT rowid FROM login_failures WHERE failed_at_ms <= ? ORDER BY failed_at_ms LIMIT ?)`),

    licenceInsert: write(`INSERT INTO licences (licence_id, customer_id, licensing_zip, status, meter_id,
      created_at_ms, updated_at_ms) VALUES (?, ?, ?, 'requested', NULL, ?, ?)`),
    licenceGet: row<LicenceRow>('SELECT * FROM licences WHERE licence_id = ?'),
    licencesByCustomer: row<LicenceRow>(
      'SELECT * FROM licences WHERE customer_id = ? ORDER BY created_at_ms, licence_id',
    ),
    licenceTransition:
      write(`UPDATE licences SET status = ?, meter_id = COALESCE(?, meter_id), updated_at_ms = ?
      WHERE licence_id = ? AND status = ?`),

    ledgerInsert: write(`INSERT INTO funds_ledger (customer_id, idempotency_key, kind, meter_id, amount_mills,
      created_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id, idempotency_key) DO NOTHING`),
    ledgerGet: row<LedgerRow>('SELECT * FROM funds_ledger WHERE customer_id = ? AND idempotency_key = ?'),
    ledgerByCustomer: row<LedgerRow>(
      'SELECT * FROM funds_ledger WHERE customer_id = ? ORDER BY created_at_ms, idempotency_key',
    ),
    ledgerTotals: row<{ kind: string; total: number }>(
      'SELECT kind, SUM(amount_mills) AS total FROM funds_ledger WHERE customer_id = ? GROUP BY kind',
    ),

    certificateInsert: write(
      'INSERT INTO certificates (serial, meter_id, pem, created_at_ms) VALUES (?, ?, ?, ?)',
    ),
    certificateGet: row<CertificateRow>('SELECT * FROM certificates WHERE serial = ?'),
    certificatesByMeter: row<CertificateRow>('SELECT * FROM certificates WHERE meter_id = ? ORDER BY serial'),

    providerMessageInsert: write(`INSERT INTO provider_messages (nonce, meter_id, kind, payload, signature,
      created_at_ms) VALUES (?, ?, ?, ?, ?, ?)`),
    providerMessageByNonce: row<ProviderMessageRow>('SELECT * FROM provider_messages WHERE nonce = ?'),
    providerMessagesByMeter: row<ProviderMessageRow>(
      'SELECT * FROM provider_messages WHERE meter_id = ? ORDER BY created_at_ms, nonce',
    ),

    meterUserUpsert: write(`INSERT INTO meter_users (meter_id, user_id, role, customer_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (meter_id, user_id) DO UPDATE SET role = excluded.role, customer_id = excluded.customer_id`),
    meterUserDelete: write('DELETE FROM meter_users WHERE meter_id = ? AND user_id = ?'),
    meterUserGet: row<MeterUserRow>('SELECT * FROM meter_users WHERE meter_id = ? AND user_id = ?'),
    meterUsersByMeter: row<MeterUserRow>('SELECT * FROM meter_users WHERE meter_id = ? ORDER BY user_id'),
    meterUsersByCustomer: row<MeterUserRow>(
      'SELECT * FROM meter_users WHERE customer_id = ? ORDER BY meter_id, user_id',
    ),

    stockInsert: write(
      'INSERT INTO meter_stock (meter_id, certificate_serial, added_at_ms) VALUES (?, ?, ?)',
    ),
    stockAvailable: row<{ n: number }>('SELECT COUNT(*) AS n FROM meter_stock WHERE claimed_by IS NULL'),
    // PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so nodes claiming at once take different meters.
    stockOldest: row<StockRow>(`SELECT * FROM meter_stock WHERE claimed_by IS NULL
      ORDER BY added_at_ms, meter_id LIMIT 1`),
    stockClaim: write(`UPDATE meter_stock SET claimed_by = ?, claimed_at_ms = ?
      WHERE meter_id = ? AND claimed_by IS NULL`),
    stockGet: row<StockRow>('SELECT * FROM meter_stock WHERE meter_id = ?'),
  };
}

export type SqliteStatements = ReturnType<typeof prepareSqliteStatements>;
