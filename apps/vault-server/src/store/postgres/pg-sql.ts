/**
 * Every statement the PostgreSQL store runs, mirroring `sqlite-statements.ts` statement for
 * statement (positional `$n` parameters; `RETURNING` where SQLite reads the row back). `pg` sends
 * each as a named prepared statement, so the server parses it once per connection. Text ids are
 * ordered `COLLATE "C"` (byte order, as SQLite compares them), whatever the database's locale, so
 * every list comes back in the same order on both databases.
 */
export const PG_SQL = Object.freeze({
  packageGet: 'SELECT * FROM psd_packages WHERE meter_id = $1',
  packagesByCustomer: 'SELECT * FROM psd_packages WHERE customer_id = $1 ORDER BY meter_id COLLATE "C"',
  packagesPage:
    'SELECT * FROM psd_packages WHERE meter_id COLLATE "C" > $1 ORDER BY meter_id COLLATE "C" LIMIT $2',
  packageInsert: `INSERT INTO psd_packages
      (meter_id, customer_id, package_version, state, package_bytes, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (meter_id) DO NOTHING`,
  packageUpdate: `UPDATE psd_packages
      SET customer_id = $1, package_version = $2, state = $3, package_bytes = $4, updated_at_ms = $5
      WHERE meter_id = $6 AND package_version = $7`,

  moduleGet: 'SELECT * FROM modules WHERE module_id = $1',
  moduleList: 'SELECT * FROM modules ORDER BY module_id COLLATE "C"',
  moduleCheckpoint: `INSERT INTO modules (module_id, checkpoint, status, inhibited, updated_at_ms)
      VALUES ($1, $2, 'in-service', 0, $3)
      ON CONFLICT (module_id) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at_ms = excluded.updated_at_ms`,
  moduleCheckpointReplacing: `UPDATE modules SET checkpoint = $1, updated_at_ms = $2
      WHERE module_id = $3 AND checkpoint = $4`,
  moduleStatus: `INSERT INTO modules (module_id, checkpoint, status, inhibited, updated_at_ms)
      VALUES ($1, NULL, $2, $3, $4)
      ON CONFLICT (module_id) DO UPDATE
      SET status = excluded.status, inhibited = excluded.inhibited, updated_at_ms = excluded.updated_at_ms
      RETURNING *`,

  auditInsert: `INSERT INTO audit_entries (module_id, sequence, entry_json, stored_at_ms) VALUES ($1, $2, $3, $4)
      ON CONFLICT (module_id, sequence) DO NOTHING`,
  auditGet: 'SELECT * FROM audit_entries WHERE module_id = $1 AND sequence = $2',
  auditPage: `SELECT * FROM audit_entries WHERE module_id = $1 AND sequence >= $2
      ORDER BY sequence LIMIT $3`,
  auditLatest: 'SELECT * FROM audit_entries WHERE module_id = $1 ORDER BY sequence DESC LIMIT 1',
  auditModules: 'SELECT module_id FROM audit_entries GROUP BY module_id ORDER BY module_id COLLATE "C"',

  indiciumInsert: `INSERT INTO issued_indicia (indicium_id, request_mac, meter_id, user_id, kind,
      postage_mills, ascending_register_mills, descending_register_mills, piece_count, indicium, answer,
      created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  indiciumByMac: 'SELECT * FROM issued_indicia WHERE request_mac = $1',
  indiciumGet: 'SELECT * FROM issued_indicia WHERE indicium_id = $1',
  // COLLATE "C": byte order for the id tie-break, as SQLite compares text, whatever the database's locale.
  indiciaFirstPage: `SELECT * FROM issued_indicia WHERE meter_id = $1
      ORDER BY created_at_ms DESC, indicium_id COLLATE "C" DESC LIMIT $2`,
  indiciaPageBefore: `SELECT * FROM issued_indicia WHERE meter_id = $1
      AND (created_at_ms < $2 OR (created_at_ms = $2 AND indicium_id COLLATE "C" < $3))
      ORDER BY created_at_ms DESC, indicium_id COLLATE "C" DESC LIMIT $4`,

  customerInsert: 'INSERT INTO customers (customer_id, display_name, created_at_ms) VALUES ($1, $2, $3)',
  customerGet: 'SELECT * FROM customers WHERE customer_id = $1',
  accountInsert: `INSERT INTO web_accounts (customer_id, email, email_key, password_hash, created_at_ms)
      VALUES ($1, $2, $3, $4, $5)`,
  accountByEmail: 'SELECT * FROM web_accounts WHERE email_key = $1',
  accountByCustomer: 'SELECT * FROM web_accounts WHERE customer_id = $1',

  sessionInsert: `INSERT INTO web_sessions (id_hash, customer_id, csrf_token_hash, created_at_ms,
      expires_at_ms) VALUES ($1, $2, $3, $4, $5)`,
  sessionFind: 'SELECT * FROM web_sessions WHERE id_hash = $1 AND expires_at_ms > $2',
  sessionDelete: 'DELETE FROM web_sessions WHERE id_hash = $1',
  sessionDeleteExpired: 'DELETE FROM web_sessions WHERE expires_at_ms <= $1',

  registrationTokenInsert: `INSERT INTO registration_tokens (token_hash, meter_id, customer_id, user_id,
      mode, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  registrationTokenFind: `SELECT * FROM registration_tokens
      WHERE token_hash = $1 AND meter_id = $2 AND expires_at_ms > $3`,
  // Of two nodes deleting one row, the second waits for the first's COMMIT, then finds nothing (0 rows).
  registrationTokenConsume: 'DELETE FROM registration_tokens WHERE token_hash = $1 AND meter_id = $2',
  registrationTokenDeleteExpired: 'DELETE FROM registration_tokens WHERE expires_at_ms <= $1',

  loginFailureInsert: 'INSERT INTO login_failures (kind, key_hash, failed_at_ms) VALUES ($1, $2, $3)',
  loginFailureTimes: `SELECT failed_at_ms FROM login_failures
      WHERE kind = $1 AND key_hash = $2 AND failed_at_ms > $3 ORDER BY failed_at_ms DESC LIMIT $4`,
  loginFailureClearAccount: "DELETE FROM login_failures WHERE kind = 'account' AND key_hash = $1",
  // Bounded: the oldest stale rows only, a batch at a time. Two nodes sweeping the same rows: the
  // second waits for the first's COMMIT, then skips the rows already gone.
  loginFailureSweep: `DELETE FROM login_failures WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM login_failures WHERE failed_at_ms <= $1 ORDER BY failed_at_ms LIMIT $2))`,

  licenceInsert: `INSERT INTO licences (licence_id, customer_id, licensing_zip, status, meter_id,
      created_at_ms, updated_at_ms) VALUES ($1, $2, $3, 'requested', NULL, $4, $4) RETURNING *`,
  licenceGet: 'SELECT * FROM licences WHERE licence_id = $1',
  licencesByCustomer:
    'SELECT * FROM licences WHERE customer_id = $1 ORDER BY created_at_ms, licence_id COLLATE "C"',
  licenceTransition: `UPDATE licences SET status = $1, meter_id = COALESCE($2, meter_id), updated_at_ms = $3
      WHERE licence_id = $4 AND status = $5 RETURNING *`,

  ledgerInsert: `INSERT INTO funds_ledger (customer_id, idempotency_key, kind, meter_id, amount_mills,
      created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id, idempotency_key) DO NOTHING`,
  ledgerGet: 'SELECT * FROM funds_ledger WHERE customer_id = $1 AND idempotency_key = $2',
  ledgerByCustomer:
    'SELECT * FROM funds_ledger WHERE customer_id = $1 ORDER BY created_at_ms, idempotency_key COLLATE "C"',
  // SUM of BIGINT is NUMERIC; the cast brings it back to BIGINT (the type parser refuses an unsafe one).
  ledgerTotals:
    'SELECT kind, SUM(amount_mills)::bigint AS total FROM funds_ledger WHERE customer_id = $1 GROUP BY kind',

  certificateInsert:
    'INSERT INTO certificates (serial, meter_id, pem, created_at_ms) VALUES ($1, $2, $3, $4)',
  certificateGet: 'SELECT * FROM certificates WHERE serial = $1',
  certificatesByMeter: 'SELECT * FROM certificates WHERE meter_id = $1 ORDER BY serial',

  providerMessageInsert: `INSERT INTO provider_messages (nonce, meter_id, kind, payload, signature,
      created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
  providerMessageByNonce: 'SELECT * FROM provider_messages WHERE nonce = $1',
  providerMessagesByMeter:
    'SELECT * FROM provider_messages WHERE meter_id = $1 ORDER BY created_at_ms, nonce',

  meterUserUpsert: `INSERT INTO meter_users (meter_id, user_id, role, customer_id) VALUES ($1, $2, $3, $4)
      ON CONFLICT (meter_id, user_id) DO UPDATE SET role = excluded.role, customer_id = excluded.customer_id`,
  meterUserDelete: 'DELETE FROM meter_users WHERE meter_id = $1 AND user_id = $2',
  meterUserGet: 'SELECT * FROM meter_users WHERE meter_id = $1 AND user_id = $2',
  meterUsersByMeter: 'SELECT * FROM meter_users WHERE meter_id = $1 ORDER BY user_id COLLATE "C"',
  meterUsersByCustomer:
    'SELECT * FROM meter_users WHERE customer_id = $1 ORDER BY meter_id COLLATE "C", user_id COLLATE "C"',

  stockInsert: 'INSERT INTO meter_stock (meter_id, certificate_serial, added_at_ms) VALUES ($1, $2, $3)',
  stockAvailable: 'SELECT COUNT(*) AS n FROM meter_stock WHERE claimed_by IS NULL',
  // SKIP LOCKED: two nodes claiming at once take different meters instead of waiting for each other.
  stockClaim: `UPDATE meter_stock SET claimed_by = $1, claimed_at_ms = $2
      WHERE meter_id = (SELECT meter_id FROM meter_stock WHERE claimed_by IS NULL
        ORDER BY added_at_ms, meter_id COLLATE "C" LIMIT 1 FOR UPDATE SKIP LOCKED)
      AND claimed_by IS NULL RETURNING *`,
  stockGet: 'SELECT * FROM meter_stock WHERE meter_id = $1',
});

export type PgStatementName = keyof typeof PG_SQL;
