import type pg from 'pg';
import { PG_SQL, type PgStatementName } from './pg-sql.js';

/** Runs one of the store's statements, prepared once per connection under its name. */
export function pgQuery<R extends pg.QueryResultRow>(
  client: pg.ClientBase | pg.Pool,
  name: PgStatementName,
  values: readonly unknown[],
): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name, text: PG_SQL[name], values: [...values] });
}

/** The first row of a statement's answer, or undefined. */
export async function pgRow<R extends pg.QueryResultRow>(
  client: pg.ClientBase | pg.Pool,
  name: PgStatementName,
  values: readonly unknown[],
): Promise<R | undefined> {
  return (await pgQuery<R>(client, name, values)).rows[0];
}

/** Every row of a statement's answer. */
export async function pgRows<R extends pg.QueryResultRow>(
  client: pg.ClientBase | pg.Pool,
  name: PgStatementName,
  values: readonly unknown[],
): Promise<R[]> {
  return (await pgQuery<R>(client, name, values)).rows;
}

/** Rows a write touched. */
export async function pgChanges(
  client: pg.ClientBase,
  name: PgStatementName,
  values: readonly unknown[],
): Promise<number> {
  return (await pgQuery(client, name, values)).rowCount ?? 0;
}
