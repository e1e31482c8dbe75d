import pg from 'pg';

/** PostgreSQL's type id of BIGINT (int8), the type of every number the store keeps. */
const INT8_OID = 20;

/**
 * BIGINT columns as JavaScript numbers. `pg` returns int8 as text by default, since it can exceed
 * 2^53; every value the store writes is a safe integer (checked before it is queued), so a value
 * that is not one was written behind the store's back and is refused rather than rounded.
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && (format ?? 'text') === 'text') {
      return (text: string): number => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new RangeError(`a stored integer is out of range: ${text}`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Session settings of every store connection (set after connecting, so a URL cannot undo them). */
export interface PgSessionSettings {
  /** How long one statement waits for a row lock another node holds, ms (then VAULT_BUSY). */
  readonly lockTimeoutMs: number;
}

/**
 * The writer's session: `synchronous_commit = on`, so COMMIT returns only once the commit record
 * is flushed to the server's disk (DESIGN §6: no answer before its batch is durable; `off` could
 * lose the last commits of a crashed server after the vault had answered). A transaction left
 * idle by a stuck vault is ended by the server, releasing its meters' row locks.
 */
export function writerSessionSql(settings: PgSessionSettings): string {
  return [
    'SET synchronous_commit = on',
    `SET lock_timeout = ${Math.trunc(settings.lockTimeoutMs)}`,
    'SET idle_in_transaction_session_timeout = 60000',
    "SET client_min_messages = 'warning'",
  ].join('; ');
}

/**
 * Connection settings for `url`; the URL's own user, password, host, database and TLS apply. The
 * application name tells an operator's `pg_stat_activity` which connection is a node's writer.
 */
export function clientConfig(url: string, role: 'writer' | 'reader' | 'meter-lock'): pg.ClientConfig {
  return {
    connectionString: url,
    types: PG_TYPES,
    application_name: `indicium-vault-${role}`,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable)';
  }
}
