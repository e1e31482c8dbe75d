import { IndiciumError } from '@indicium/protocol';
import pg from 'pg';

/**
 * Unique constraints (PostgreSQL's default names: `<table>_pkey`, `<table>_<column>_key`) and the
 * field a caller named them by: the same fields the SQLite store reports, so callers and the
 * contract tests cannot tell the databases apart.
 */
const UNIQUE_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  issued_indicia_request_mac_key: 'requestMac',
  issued_indicia_pkey: 'indiciumId',
  provider_messages_pkey: 'nonce',
  certificates_pkey: 'serial',
  meter_stock_pkey: 'meterId',
  meter_stock_certificate_serial_key: 'certificateSerial',
  customers_pkey: 'customerId',
  web_accounts_pkey: 'customerId',
  web_sessions_pkey: 'idHash',
  registration_tokens_pkey: 'tokenHash',
  licences_pkey: 'licenceId',
});

/** SQLSTATE classes that belong to one unit's data: the unit fails alone, its batch goes on. */
const UNIT_CLASSES = Object.freeze(['22', '23']);
/** A `RAISE EXCEPTION` of our own triggers (the append-only ledger). */
const RAISED = 'P0001';

export const DEADLOCK_DETECTED = '40P01';
export const SERIALIZATION_FAILURE = '40001';
export const LOCK_NOT_AVAILABLE = '55P03';

function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/**
 * True for an error that is one unit's own (a refusal of ours, a constraint, a value out of
 * range): roll back to its savepoint and go on. Anything else — a lost connection, a deadlock, a
 * lock time-out, a server shutting down — is the batch's, which then writes nothing.
 */
export function isUnitError(error: unknown): boolean {
  if (error instanceof IndiciumError) return true;
  const state = sqlState(error);
  return state !== undefined && (UNIT_CLASSES.includes(state.slice(0, 2)) || state === RAISED);
}

/** True when the whole batch may simply run again: PostgreSQL chose it as a deadlock victim. */
export function isRetryableBatchError(error: unknown): boolean {
  const state = sqlState(error);
  return state === DEADLOCK_DETECTED || state === SERIALIZATION_FAILURE;
}

/** Maps one unit's driver error to the typed refusal its caller sees (see `mapSqliteError`). */
export function mapPgError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  if (error.code === '23505') {
    const constraint = error.constraint ?? '';
    if (constraint === 'web_accounts_email_key_key') {
      return new IndiciumError('ACCOUNT_EXISTS', { field: 'email' });
    }
    const field = UNIQUE_FIELDS[constraint] ?? constraint;
    return new IndiciumError('DUPLICATE_RECORD', { field, details: { table: error.table ?? constraint } });
  }
  if (error.code === '23503') {
    return new IndiciumError('INVALID_FIELD', {
      detail: 'the write refers to a record that does not exist (a meter, a customer)',
      details: { reason: 'reference' },
    });
  }
  if (error.code === '23514' || error.code === '23502' || error.code?.startsWith('22')) {
    return new IndiciumError('INVALID_FIELD', { detail: 'a value is outside what the schema allows' });
  }
  if (error.code === RAISED) {
    return new IndiciumError('INVALID_FIELD', { detail: 'the database refused the change', cause: error });
  }
  return error;
}

/**
 * The refusal every unit of a failed batch gets (no answer may leave for it): another node held a
 * meter's row lock past the lock time-out, or kept choosing this batch as deadlock victim
 * (VAULT_BUSY: try again); the connection to the database failed (VAULT_UNAVAILABLE); anything else
 * is INTERNAL_ERROR, whose detail stays in the vault's log.
 */
export function mapPgBatchError(error: unknown, connectionLost: boolean): IndiciumError {
  if (error instanceof IndiciumError) return error;
  const state = sqlState(error);
  if (state === LOCK_NOT_AVAILABLE || state === DEADLOCK_DETECTED || state === SERIALIZATION_FAILURE) {
    return new IndiciumError('VAULT_BUSY', {
      detail: 'a meter is locked by another vault node',
      cause: error,
    });
  }
  if (connectionLost || state?.startsWith('08') === true || state?.startsWith('57') === true) {
    return new IndiciumError('VAULT_UNAVAILABLE', {
      // Lost during COMMIT the batch may have landed: a retried request then finds its stored answer.
      detail: 'the database connection failed before the batch was confirmed',
      cause: error,
    });
  }
  return new IndiciumError('INTERNAL_ERROR', {
    detail: 'the batch could not be committed; nothing was written',
    cause: error,
  });
}
