import {
  CustomerIdSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  RegistrationModeSchema,
  ZipSchema,
} from '@indicium/protocol';
import { z } from 'zod';
import {
  EmailSchema,
  IndiciumIdSchema,
  LicenceIdSchema,
  LicenceStatusSchema,
  ModuleStatusSchema,
  safeUint,
  storeBytes,
} from './store-fields.js';

/** Inputs of the store's small writes and paged reads (everything but a commit unit). */

export const AccountCreateSchema = z.strictObject({
  customerId: CustomerIdSchema,
  displayName: z.string().min(1).max(100),
  email: EmailSchema,
  passwordHash: z.string().min(16).max(1024),
});

export const SessionCreateSchema = z.strictObject({
  idHash: storeBytes(16, 64),
  customerId: CustomerIdSchema,
  csrfTokenHash: storeBytes(16, 64),
  createdAtMs: safeUint,
  expiresAtMs: safeUint,
});

/** The SHA-256 of a registration token: what the store keys its grant by. */
export const TokenHashSchema = storeBytes(32, 32);

/** The SHA-256 of an e-mail or client address: what the login throttle's rows are keyed by. */
export const LoginKeyHashSchema = storeBytes(32, 32);

/**
 * How many stale login-failure rows one `record` deletes at most: each failure adds two rows, so
 * the sweep outpaces the inserts, while one write never stalls on a backlog (after a long outage of
 * the sweep, e.g. an upgrade from a version without it).
 */
export const LOGIN_FAILURE_SWEEP_ROWS = 64;

/** One failed login: a row for the account, a row for the address; and the window it counts in. */
export const LoginFailureSchema = z.strictObject({
  accountHash: LoginKeyHashSchema,
  ipHash: LoginKeyHashSchema,
  failedAtMs: safeUint,
  windowMs: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/** Which failures to count: one key's, after `sinceMs`, at most `limit` of them (newest first). */
export const LoginFailureCountSchema = z.strictObject({
  kind: z.enum(['account', 'ip']),
  keyHash: LoginKeyHashSchema,
  sinceMs: safeUint,
  limit: z.int().min(1).max(1_000),
});

/** A registration token's grant, under its token's hash. */
export const RegistrationTokenCreateSchema = z
  .strictObject({
    tokenHash: TokenHashSchema,
    meterId: MeterIdSchema,
    customerId: CustomerIdSchema,
    userId: MeterUserIdSchema,
    mode: RegistrationModeSchema,
    createdAtMs: safeUint,
    expiresAtMs: safeUint,
  })
  .refine((t) => t.expiresAtMs > t.createdAtMs, {
    message: 'a token expires after it was issued',
    path: ['expiresAtMs'],
  });

export const CustomerCreateSchema = z.strictObject({
  customerId: CustomerIdSchema,
  displayName: z.string().min(1).max(100),
});

export const LicenceCreateSchema = z.strictObject({
  licenceId: LicenceIdSchema,
  customerId: CustomerIdSchema,
  licensingZip: ZipSchema,
});

export const LicenceTransitionSchema = z.strictObject({
  from: LicenceStatusSchema,
  to: LicenceStatusSchema,
  meterId: MeterIdSchema.optional(),
});

export const ModuleStatusChangeSchema = z.strictObject({
  status: ModuleStatusSchema,
  inhibited: z.boolean(),
});

export const IndiciumPageSchema = z.strictObject({
  limit: z.int().min(1).max(1000),
  before: z.strictObject({ createdAtMs: safeUint, indiciumId: IndiciumIdSchema }).optional(),
});

/** A page of every meter's package, in meter-id order after `after` (the rollover sweep). */
export const PackagePageSchema = z.strictObject({
  limit: z.int().min(1).max(1000),
  after: MeterIdSchema.optional(),
});

export const AuditPageSchema = z.strictObject({
  fromSequence: safeUint,
  limit: z.int().min(1).max(10_000),
});

export const RequestMacSchema = storeBytes(32, 32);
export const NonceInputSchema = storeBytes(16, 16);
export const NowSchema = safeUint;
