import { IndiciumError } from '@indicium/protocol';
import Database from 'better-sqlite3';

/**
 * Unique keys and the field a caller named them by. A duplicate is a replay or a retry of something
 * already done (a provider nonce, a request MAC, a certificate serial): DUPLICATE_RECORD, except a
 * taken e-mail, which the person signing up must hear about (ACCOUNT_EXISTS).
 */
const UNIQUE_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  'issued_indicia.request_mac': 'requestMac',
  'issued_indicia.indicium_id': 'indiciumId',
  'provider_messages.nonce': 'nonce',
  'certificates.serial': 'serial',
  'meter_stock.meter_id': 'meterId',
  'meter_stock.certificate_serial': 'certificateSerial',
  'customers.customer_id': 'customerId',
  'web_accounts.customer_id': 'customerId',
  'web_sessions.id_hash': 'idHash',
  'registration_tokens.token_hash': 'tokenHash',
  'licences.licence_id': 'licenceId',
});

/**
 * Maps a driver error thrown by one unit to the typed refusal its caller sees. Constraint failures
 * are the caller's (a duplicate key, a reference to nothing, a value the schema's CHECKs refuse);
 * anything else (I/O, a bug) is returned as is and becomes INTERNAL_ERROR at the boundary.
 */
export function mapSqliteError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const key = /constraint failed: (.+)$/.exec(error.message)?.[1] ?? '';
    if (key === 'web_accounts.email_key') return new IndiciumError('ACCOUNT_EXISTS', { field: 'email' });
    const field = UNIQUE_FIELDS[key] ?? key;
    return new IndiciumError('DUPLICATE_RECORD', { field, details: { table: key.split('.')[0] ?? key } });
  }
  if (error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new IndiciumError('INVALID_FIELD', {
      detail: 'the write refers to a record that does not exist (a meter, a customer)',
      details: { reason: 'reference' },
    });
  }
  if (error.code === 'SQLITE_CONSTRAINT_CHECK' || error.code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return new IndiciumError('INVALID_FIELD', { detail: 'a value is outside what the schema allows' });
  }
  return error;
}

/**
 * The refusal for a batch that failed as a whole (nothing of it was written): another process held
 * the write lock past the busy timeout (VAULT_BUSY: try again), or the database failed (I/O, disk
 * full: INTERNAL_ERROR, whose detail stays in the vault's log).
 */
export function mapSqliteBatchError(error: unknown): IndiciumError {
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
    return new IndiciumError('VAULT_BUSY', {
      detail: 'the database is locked by another writer',
      cause: error,
    });
  }
  return new IndiciumError('INTERNAL_ERROR', {
    detail: 'the batch could not be committed; nothing was written',
    cause: error,
  });
}
