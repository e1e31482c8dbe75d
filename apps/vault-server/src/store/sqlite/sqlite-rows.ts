import { AuditEntrySchema, IndiciumError, type IndiciumKind, type PsdState } from '@indicium/protocol';
import type {
  AccountRecord,
  AuditRecord,
  CertificateRecord,
  CustomerRecord,
  IndiciumRecord,
  LedgerKind,
  LedgerRecord,
  LicenceRecord,
  LicenceStatus,
  MeterUserRecord,
  MeterUserRole,
  ModuleRecord,
  ModuleStatus,
  PackageRecord,
  ProviderMessageKind,
  ProviderMessageRecord,
  RegistrationTokenRecord,
  SessionRecord,
  StockRecord,
} from '../store-records.js';

/**
 * Rows as better-sqlite3 returns them, and their records. BLOBs come back as Buffers; records hold
 * plain copies (`Uint8Array`), so no caller depends on Node's Buffer or on the driver. Text columns
 * with a CHECK constraint are narrowed to their union types: the database refuses anything else.
 */

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b);

export interface PackageRow {
  meter_id: string;
  customer_id: string | null;
  package_version: number;
  state: string;
  package_bytes: Buffer;
  updated_at_ms: number;
}
export const toPackage = (r: PackageRow): PackageRecord => ({
  meterId: r.meter_id,
  customerId: r.customer_id,
  version: r.package_version,
  state: r.state as PsdState,
  bytes: bytes(r.package_bytes),
  updatedAtMs: r.updated_at_ms,
});

export interface ModuleRow {
  module_id: string;
  checkpoint: Buffer | null;
  status: string;
  inhibited: number;
  updated_at_ms: number;
}
export const toModule = (r: ModuleRow): ModuleRecord => ({
  moduleId: r.module_id,
  checkpoint: r.checkpoint === null ? null : bytes(r.checkpoint),
  status: r.status as ModuleStatus,
  inhibited: r.inhibited === 1,
  updatedAtMs: r.updated_at_ms,
});

export interface AuditRow {
  module_id: string;
  sequence: number;
  entry_json: string;
  stored_at_ms: number;
}
export function toAudit(r: AuditRow): AuditRecord {
  // Parsed, not cast: a row edited in the database is refused here rather than handed on as an
  // entry. (An edit that still parses is the auditor's to find: the hash chain breaks, §3.5.)
  const entry = AuditEntrySchema.safeParse(parseJson(r.entry_json));
  if (!entry.success || entry.data.sequence !== r.sequence || entry.data.moduleSerial !== r.module_id) {
    throw new IndiciumError('VAULT_DATA_REFUSED', {
      detail: 'a stored audit entry is malformed',
      details: { reason: 'malformed', table: 'audit_entries', moduleId: r.module_id, sequence: r.sequence },
    });
  }
  return { moduleId: r.module_id, sequence: r.sequence, entry: entry.data, storedAtMs: r.stored_at_ms };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface IndiciumRow {
  indicium_id: string;
  request_mac: Buffer | null;
  meter_id: string;
  user_id: string | null;
  kind: string;
  postage_mills: number;
  ascending_register_mills: number;
  descending_register_mills: number;
  piece_count: number;
  indicium: Buffer;
  answer: Buffer;
  created_at_ms: number;
}
export const toIndicium = (r: IndiciumRow): IndiciumRecord => ({
  indiciumId: r.indicium_id,
  requestMac: r.request_mac === null ? null : bytes(r.request_mac),
  meterId: r.meter_id,
  userId: r.user_id,
  kind: r.kind as IndiciumKind,
  postageMills: r.postage_mills,
  ascendingRegisterMills: r.ascending_register_mills,
  descendingRegisterMills: r.descending_register_mills,
  pieceCount: r.piece_count,
  indicium: bytes(r.indicium),
  answer: bytes(r.answer),
  createdAtMs: r.created_at_ms,
});

export interface CustomerRow {
  customer_id: string;
  display_name: string;
  created_at_ms: number;
}
export const toCustomer = (r: CustomerRow): CustomerRecord => ({
  customerId: r.customer_id,
  displayName: r.display_name,
  createdAtMs: r.created_at_ms,
});

export interface AccountRow {
  customer_id: string;
  email: string;
  password_hash: string;
  created_at_ms: number;
}
export const toAccount = (r: AccountRow): AccountRecord => ({
  customerId: r.customer_id,
  email: r.email,
  passwordHash: r.password_hash,
  createdAtMs: r.created_at_ms,
});

export interface SessionRow {
  id_hash: Buffer;
  customer_id: string;
  csrf_token_hash: Buffer;
  created_at_ms: number;
  expires_at_ms: number;
}
export const toSession = (r: SessionRow): SessionRecord => ({
  idHash: bytes(r.id_hash),
  customerId: r.customer_id,
  csrfTokenHash: bytes(r.csrf_token_hash),
  createdAtMs: r.created_at_ms,
  expiresAtMs: r.expires_at_ms,
});

export interface RegistrationTokenRow {
  token_hash: Buffer;
  meter_id: string;
  customer_id: string;
  user_id: string;
  mode: string;
  created_at_ms: number;
  expires_at_ms: number;
}
export const toRegistrationToken = (r: RegistrationTokenRow): RegistrationTokenRecord => ({
  tokenHash: bytes(r.token_hash),
  meterId: r.meter_id,
  customerId: r.customer_id,
  userId: r.user_id,
  mode: r.mode as RegistrationTokenRecord['mode'],
  createdAtMs: r.created_at_ms,
  expiresAtMs: r.expires_at_ms,
});

export interface LicenceRow {
  licence_id: string;
  customer_id: string;
  licensing_zip: string;
  status: string;
  meter_id: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}
export const toLicence = (r: LicenceRow): LicenceRecord => ({
  licenceId: r.licence_id,
  customerId: r.customer_id,
  licensingZip: r.licensing_zip,
  status: r.status as LicenceStatus,
  meterId: r.meter_id,
  createdAtMs: r.created_at_ms,
  updatedAtMs: r.updated_at_ms,
});

export interface LedgerRow {
  customer_id: string;
  idempotency_key: string;
  kind: string;
  meter_id: string | null;
  amount_mills: number;
  created_at_ms: number;
}
export const toLedger = (r: LedgerRow): LedgerRecord => ({
  customerId: r.customer_id,
  idempotencyKey: r.idempotency_key,
  kind: r.kind as LedgerKind,
  meterId: r.meter_id,
  amountMills: r.amount_mills,
  createdAtMs: r.created_at_ms,
});

export interface CertificateRow {
  serial: number;
  meter_id: string;
  pem: string;
  created_at_ms: number;
}
export const toCertificate = (r: CertificateRow): CertificateRecord => ({
  serial: r.serial,
  meterId: r.meter_id,
  pem: r.pem,
  createdAtMs: r.created_at_ms,
});

export interface ProviderMessageRow {
  nonce: Buffer;
  meter_id: string;
  kind: string;
  payload: Buffer;
  signature: Buffer;
  created_at_ms: number;
}
export const toProviderMessage = (r: ProviderMessageRow): ProviderMessageRecord => ({
  nonce: bytes(r.nonce),
  meterId: r.meter_id,
  kind: r.kind as ProviderMessageKind,
  payload: bytes(r.payload),
  signature: bytes(r.signature),
  createdAtMs: r.created_at_ms,
});

export interface MeterUserRow {
  meter_id: string;
  user_id: string;
  role: string;
  customer_id: string;
}
export const toMeterUser = (r: MeterUserRow): MeterUserRecord => ({
  meterId: r.meter_id,
  userId: r.user_id,
  role: r.role as MeterUserRole,
  customerId: r.customer_id,
});

export interface StockRow {
  meter_id: string;
  certificate_serial: number;
  added_at_ms: number;
  claimed_by: string | null;
  claimed_at_ms: number | null;
}
export const toStock = (r: StockRow): StockRecord => ({
  meterId: r.meter_id,
  certificateSerial: r.certificate_serial,
  addedAtMs: r.added_at_ms,
  claimedBy: r.claimed_by,
  claimedAtMs: r.claimed_at_ms,
});
