import { IndiciumError, MAX_CERTIFICATE_SERIAL } from '@indicium/protocol';
import { z } from 'zod';
import {
  LEDGER_KINDS,
  LICENCE_STATUSES,
  METER_USER_ROLES,
  MODULE_STATUSES,
  PROVIDER_MESSAGE_KINDS,
} from './store-records.js';

/**
 * Field rules of every store write, checked before a write is queued: a value the store accepts is
 * one both SQLite and PostgreSQL hold exactly (safe integers, real bytes, bounded text), and ids
 * follow the protocol's own schemas, so a record can always be served back on the wire.
 */

/** Bytes as a real Uint8Array (Buffer is one too) within a size range, parsed into a plain copy. */
export const storeBytes = (min: number, max: number) =>
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes (a Uint8Array)')
    .refine((b) => b.length >= min && b.length <= max, `must be ${min}..${max} bytes`)
    // A private copy: a caller may reuse its buffer before a queued write reaches the database.
    .transform((b) => new Uint8Array(b));

/** A non-negative integer JavaScript holds exactly, as BIGINT does in PostgreSQL. */
export const safeUint = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Module ids are the module serials the pool gives its modules. */
export const ModuleIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);
export const IndiciumIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const LicenceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const CertificateSerialSchema = z.int().min(1).max(MAX_CERTIFICATE_SERIAL);
export const EmailSchema = z.email().max(254);

export const ModuleStatusSchema = z.enum(MODULE_STATUSES);
export const LicenceStatusSchema = z.enum(LICENCE_STATUSES);
export const LedgerKindSchema = z.enum(LEDGER_KINDS);
export const ProviderMessageKindSchema = z.enum(PROVIDER_MESSAGE_KINDS);
export const MeterUserRoleSchema = z.enum(METER_USER_ROLES);

/**
 * Parses a store input with its schema, or throws INVALID_FIELD naming the first bad field: a bad
 * write is refused before it is queued, so it cannot fail the batch it would have joined.
 */
export function parseStoreInput<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? [] : issue.path.map(String);
  throw new IndiciumError('INVALID_FIELD', {
    field: [root, ...path].join('.'),
    ...(issue === undefined ? {} : { detail: issue.message }),
  });
}
