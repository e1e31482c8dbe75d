import type { AuditEntry, IndiciumKind, PsdState } from '@indicium/protocol';

/**
 * The records the vault keeps (DESIGN §6, §3.6, §4.3, §4.4), as every store implementation reads and
 * writes them. The conventions hold for SQLite and PostgreSQL alike, so no caller depends on one:
 * bytes are `Uint8Array` (never Buffer-only methods), integers are JavaScript numbers within
 * `Number.MAX_SAFE_INTEGER` (mills, sequences, versions: every register fits, DESIGN §5), times are
 * epoch milliseconds (UTC) named `…AtMs`, and an absent value is `null`, never `undefined`.
 */

/** A meter's PSD package: opaque sealed bytes the modules read and write (DESIGN §3.3). */
export interface PackageRecord {
  readonly meterId: string;
  readonly customerId: string | null;
  /** The module's package version; every update names the one it replaces (lost-update check). */
  readonly version: number;
  readonly state: PsdState;
  readonly bytes: Uint8Array;
  readonly updatedAtMs: number;
}

/** Operator statuses of a module in the module table. */
export const MODULE_STATUSES = Object.freeze(['in-service', 'out-of-service', 'retired'] as const);
export type ModuleStatus = (typeof MODULE_STATUSES)[number];

/** A row of the module table (DESIGN §3.6): the database's copy of the module's latest checkpoint. */
export interface ModuleRecord {
  readonly moduleId: string;
  /** Null until the module has made its first checkpoint. */
  readonly checkpoint: Uint8Array | null;
  readonly status: ModuleStatus;
  /** Set when the module refused the database's checkpoint (§3.6): it serves no PSD command. */
  readonly inhibited: boolean;
  readonly updatedAtMs: number;
}

/** One audit entry as the module made it (DESIGN §3.5), under the module that made it. */
export interface AuditRecord {
  readonly moduleId: string;
  readonly sequence: number;
  readonly entry: AuditEntry;
  readonly storedAtMs: number;
}

/** An issued indicium and the answer that carried it, kept for retries and history (DESIGN §4.3). */
export interface IndiciumRecord {
  readonly indiciumId: string;
  /** The request's HMAC: the idempotency key. Null for indicia no companion asked for (refunds). */
  readonly requestMac: Uint8Array | null;
  readonly meterId: string;
  readonly userId: string | null;
  readonly kind: IndiciumKind;
  readonly postageMills: number;
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
  readonly pieceCount: number;
  readonly indicium: Uint8Array;
  /** The exact answer sent (or to be re-sent on a retry), as the pool encoded it. */
  readonly answer: Uint8Array;
  readonly createdAtMs: number;
}

export interface CustomerRecord {
  readonly customerId: string;
  readonly displayName: string;
  readonly createdAtMs: number;
}

/** A web account: one login per customer. `email` is kept as given; lookups ignore case. */
export interface AccountRecord {
  readonly customerId: string;
  readonly email: string;
  /** A self-describing password hash string (e.g. scrypt parameters, salt and hash). */
  readonly passwordHash: string;
  readonly createdAtMs: number;
}

/** A web session. Only hashes are stored: a database reader cannot ride a session. */
export interface SessionRecord {
  readonly idHash: Uint8Array;
  readonly customerId: string;
  readonly csrfTokenHash: Uint8Array;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * A one-time registration token's grant (DESIGN §4.2), stored under the SHA-256 of the token: a
 * database reader learns whom a token was for, never a token that would register a companion.
 */
export interface RegistrationTokenRecord {
  readonly tokenHash: Uint8Array;
  readonly meterId: string;
  readonly customerId: string;
  readonly userId: string;
  readonly mode: 'configure' | 'add-user' | 'reset';
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

/** Whose failed logins a throttle row counts: an account (its e-mail) or a client address. */
export type LoginFailureKind = 'account' | 'ip';

/** The recent failures of one key, as the login throttle reads them. */
export interface LoginFailureCount {
  /** Failures after the asked time, at most the asked limit. */
  readonly count: number;
  /** The oldest of those counted (it leaves the window first), or null if none. */
  readonly oldestMs: number | null;
}

export const LICENCE_STATUSES = Object.freeze(['requested', 'approved', 'rejected', 'revoked'] as const);
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

export interface LicenceRecord {
  readonly licenceId: string;
  readonly customerId: string;
  readonly licensingZip: string;
  readonly status: LicenceStatus;
  /** The meter the licence was approved for, once it was. */
  readonly meterId: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** Funds ledger kinds: a deposit pays in, a download moves funds into a meter, a refund pays back. */
export const LEDGER_KINDS = Object.freeze(['deposit', 'download', 'refund'] as const);
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** An append-only funds ledger entry; never updated, never deleted. */
export interface LedgerRecord {
  readonly customerId: string;
  /** Chosen by the caller per customer: a retry with the same key appends nothing. */
  readonly idempotencyKey: string;
  readonly kind: LedgerKind;
  readonly meterId: string | null;
  readonly amountMills: number;
  readonly createdAtMs: number;
}

export interface CertificateRecord {
  /** The meter certificate serial, indicium field 3 (DESIGN §5): 1 … 2³²−1. */
  readonly serial: number;
  readonly meterId: string;
  readonly pem: string;
  readonly createdAtMs: number;
}

export const PROVIDER_MESSAGE_KINDS = Object.freeze([
  'value-download',
  'authorize-customer',
  'refund',
  'password-reset-start',
] as const);
export type ProviderMessageKind = (typeof PROVIDER_MESSAGE_KINDS)[number];

/** A signed provider message (DESIGN §4.4) that a module applied; the nonce is unique for ever. */
export interface ProviderMessageRecord {
  readonly nonce: Uint8Array;
  readonly meterId: string;
  readonly kind: ProviderMessageKind;
  /** The message as received (its JSON text encoded as UTF-8, or its canonical bytes). */
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly createdAtMs: number;
}

export const METER_USER_ROLES = Object.freeze(['user', 'customer-administrator'] as const);
export type MeterUserRole = (typeof METER_USER_ROLES)[number];

export interface MeterUserRecord {
  readonly meterId: string;
  readonly userId: string;
  readonly role: MeterUserRole;
  readonly customerId: string;
}

/** A fresh meter MeterGen made and certified, waiting in the stock queue to be assigned. */
export interface StockRecord {
  readonly meterId: string;
  readonly certificateSerial: number;
  readonly addedAtMs: number;
  /** Null while in stock; set once, when the meter is claimed. */
  readonly claimedBy: string | null;
  readonly claimedAtMs: number | null;
}
