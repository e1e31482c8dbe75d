/**
 * The database schema as numbered, ordered steps (DESIGN §6). Each step runs in its own transaction
 * and is recorded in `schema_migrations` with a checksum of its text, so an edited step is refused
 * rather than silently skipped: never change a step that has shipped, add the next one.
 *
 * The text is written once for SQLite and PostgreSQL: `{{int}}` (INTEGER / BIGINT: every number we
 * store is a safe integer, DESIGN §5 registers included), `{{bytes}}` (BLOB / BYTEA) and `{{strict}}`
 * (SQLite's STRICT tables, which refuse a value of the wrong type as PostgreSQL does) are filled in by
 * `renderMigration`. Booleans are 0/1 integers with a CHECK in both. Where the dialects truly differ
 * (triggers), a step carries a per-dialect addition.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly sqlite?: string;
  readonly postgresql?: string;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'meters, modules, audit, indicia',
    sql: `
CREATE TABLE psd_packages (
  meter_id TEXT PRIMARY KEY,
  customer_id TEXT,
  package_version {{int}} NOT NULL CHECK (package_version >= 1),
  state TEXT NOT NULL CHECK (state IN ('raw', 'unleased', 'assigned', 'leased', 'pwreset', 'withdrawn')),
  package_bytes {{bytes}} NOT NULL,
  updated_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX psd_packages_customer ON psd_packages (customer_id);

CREATE TABLE modules (
  module_id TEXT PRIMARY KEY,
  checkpoint {{bytes}},
  status TEXT NOT NULL CHECK (status IN ('in-service', 'out-of-service', 'retired')),
  inhibited {{int}} NOT NULL CHECK (inhibited IN (0, 1)),
  updated_at_ms {{int}} NOT NULL
){{strict}};

CREATE TABLE audit_entries (
  module_id TEXT NOT NULL,
  sequence {{int}} NOT NULL CHECK (sequence >= 0),
  entry_json TEXT NOT NULL,
  stored_at_ms {{int}} NOT NULL,
  PRIMARY KEY (module_id, sequence)
){{strict}};

CREATE TABLE issued_indicia (
  indicium_id TEXT PRIMARY KEY,
  request_mac {{bytes}} UNIQUE,
  meter_id TEXT NOT NULL REFERENCES psd_packages (meter_id),
  user_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('postage', 'correction', 'refund')),
  postage_mills {{int}} NOT NULL CHECK (postage_mills >= 0),
  ascending_register_mills {{int}} NOT NULL CHECK (ascending_register_mills >= 0),
  descending_register_mills {{int}} NOT NULL CHECK (descending_register_mills >= 0),
  piece_count {{int}} NOT NULL CHECK (piece_count >= 0),
  indicium {{bytes}} NOT NULL,
  answer {{bytes}} NOT NULL,
  created_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX issued_indicia_history ON issued_indicia (meter_id, created_at_ms, indicium_id);
`,
  },
  {
    version: 2,
    name: 'customers, web accounts, sessions, licences, funds ledger',
    sql: `
CREATE TABLE customers (
  customer_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  created_at_ms {{int}} NOT NULL
){{strict}};

CREATE TABLE web_accounts (
  customer_id TEXT PRIMARY KEY REFERENCES customers (customer_id),
  email TEXT NOT NULL,
  email_key TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at_ms {{int}} NOT NULL
){{strict}};

CREATE TABLE web_sessions (
  id_hash {{bytes}} PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (customer_id),
  csrf_token_hash {{bytes}} NOT NULL,
  created_at_ms {{int}} NOT NULL,
  expires_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at_ms);

CREATE TABLE licences (
  licence_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (customer_id),
  licensing_zip TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'revoked')),
  meter_id TEXT,
  created_at_ms {{int}} NOT NULL,
  updated_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX licences_customer ON licences (customer_id);

CREATE TABLE funds_ledger (
  customer_id TEXT NOT NULL REFERENCES customers (customer_id),
  idempotency_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('deposit', 'download', 'refund')),
  meter_id TEXT,
  amount_mills {{int}} NOT NULL CHECK (amount_mills > 0),
  created_at_ms {{int}} NOT NULL,
  PRIMARY KEY (customer_id, idempotency_key)
){{strict}};
CREATE INDEX funds_ledger_history ON funds_ledger (customer_id, created_at_ms);
`,
    // The ledger is append-only: a changed or deleted entry would rewrite a customer's money.
    sqlite: `
CREATE TRIGGER funds_ledger_no_update BEFORE UPDATE ON funds_ledger
BEGIN SELECT RAISE(ABORT, 'funds_ledger is append-only'); END;
CREATE TRIGGER funds_ledger_no_delete BEFORE DELETE ON funds_ledger
BEGIN SELECT RAISE(ABORT, 'funds_ledger is append-only'); END;
`,
    postgresql: `
CREATE FUNCTION funds_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'funds_ledger is append-only'; END $$;
CREATE TRIGGER funds_ledger_no_change BEFORE UPDATE OR DELETE ON funds_ledger
FOR EACH ROW EXECUTE FUNCTION funds_ledger_append_only();
`,
  },
  {
    version: 3,
    name: 'certificates, provider messages, meter users, meter stock',
    sql: `
CREATE TABLE certificates (
  serial {{int}} PRIMARY KEY CHECK (serial BETWEEN 1 AND 4294967295),
  meter_id TEXT NOT NULL REFERENCES psd_packages (meter_id),
  pem TEXT NOT NULL,
  created_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX certificates_meter ON certificates (meter_id);

CREATE TABLE provider_messages (
  nonce {{bytes}} PRIMARY KEY,
  meter_id TEXT NOT NULL REFERENCES psd_packages (meter_id),
  kind TEXT NOT NULL CHECK (kind IN ('value-download', 'authorize-customer', 'refund', 'password-reset-start')),
  payload {{bytes}} NOT NULL,
  signature {{bytes}} NOT NULL,
  created_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX provider_messages_meter ON provider_messages (meter_id, created_at_ms);

CREATE TABLE meter_users (
  meter_id TEXT NOT NULL REFERENCES psd_packages (meter_id),
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'customer-administrator')),
  customer_id TEXT NOT NULL,
  PRIMARY KEY (meter_id, user_id)
){{strict}};
CREATE INDEX meter_users_customer ON meter_users (customer_id);

CREATE TABLE meter_stock (
  meter_id TEXT PRIMARY KEY REFERENCES psd_packages (meter_id),
  certificate_serial {{int}} NOT NULL UNIQUE,
  added_at_ms {{int}} NOT NULL,
  claimed_by TEXT,
  claimed_at_ms {{int}}
){{strict}};
CREATE INDEX meter_stock_queue ON meter_stock (claimed_by, added_at_ms, meter_id);
`,
  },
  {
    version: 4,
    name: 'registration tokens',
    // Shared by every vault node (issue 8): the web page that asked for a token and the companion
    // that presents it may reach different nodes behind the load balancer. Keyed by the SHA-256 of
    // the token, never the token: a database reader must not be able to register a companion. No
    // reference to psd_packages or customers: a grant lives minutes, and the web API issues one
    // only for a meter its customer owns.
    sql: `
CREATE TABLE registration_tokens (
  token_hash {{bytes}} PRIMARY KEY,
  meter_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('configure', 'add-user', 'reset')),
  created_at_ms {{int}} NOT NULL,
  expires_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX registration_tokens_expiry ON registration_tokens (expires_at_ms);
`,
  },
  {
    version: 5,
    name: 'login failures',
    // Shared by every vault node (issue 8, DESIGN §6): a login refused on one node counts on all, and
    // a restart forgets nothing. Keyed by the SHA-256 of the e-mail or client address, never the
    // value: the table must not be a list of who tried to log in, nor from where. One row per
    // failure; the first index serves the sliding-window count, the second the sweep of old rows.
    sql: `
CREATE TABLE login_failures (
  kind TEXT NOT NULL CHECK (kind IN ('account', 'ip')),
  key_hash {{bytes}} NOT NULL,
  failed_at_ms {{int}} NOT NULL
){{strict}};
CREATE INDEX login_failures_window ON login_failures (kind, key_hash, failed_at_ms);
CREATE INDEX login_failures_age ON login_failures (failed_at_ms);
`,
  },
]);
