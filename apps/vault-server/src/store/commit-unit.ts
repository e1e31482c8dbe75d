import {
  AuditEntrySchema,
  CustomerIdSchema,
  IndiciumKindSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  PsdStateSchema,
  RequestIdSchema,
} from '@indicium/protocol';
import { z } from 'zod';
import {
  CertificateSerialSchema,
  IndiciumIdSchema,
  LedgerKindSchema,
  MeterUserRoleSchema,
  ModuleIdSchema,
  ProviderMessageKindSchema,
  parseStoreInput,
  safeUint,
  storeBytes,
} from './store-fields.js';

/**
 * A unit of work: everything one module command changed, written all together or not at all
 * (DESIGN §3.1: "returns the new package, the new checkpoint record and an audit entry, and changes
 * nothing else"; §4.3: the answer leaves only once package, checkpoint, audit entry and indicium
 * record are committed). Every part is optional so officer, provider and MeterGen writes use the
 * same path; an empty unit is refused.
 */

const PackageWriteSchema = z.strictObject({
  meterId: MeterIdSchema,
  customerId: CustomerIdSchema.nullable(),
  /** The module's new package version; greater than the one it replaces. */
  version: safeUint.min(1),
  /** The version read before the command ran; null only to create the meter's first package. */
  replacesVersion: safeUint.min(1).nullable(),
  state: PsdStateSchema,
  bytes: storeBytes(1, 1 << 16),
});

/** The module's new checkpoint record (DESIGN §3.6), stored as its row of the module table. */
const CheckpointWriteSchema = z.strictObject({
  moduleId: ModuleIdSchema,
  checkpoint: storeBytes(1, 4096),
  /**
   * The record the module was presented for this unit's command. Given, the unit stands only if
   * the module's row still holds exactly it (else VAULT_UNAVAILABLE and nothing of the unit is
   * written): a unit queued behind an earlier, still uncommitted unit of the same module
   * (`psd-modules.ts`) then fails whenever that one did, in the same batch or a later one.
   */
  replaces: storeBytes(1, 4096).optional(),
});

const AuditWriteSchema = z.strictObject({ moduleId: ModuleIdSchema, entry: AuditEntrySchema });

const IndiciumWriteSchema = z.strictObject({
  indiciumId: IndiciumIdSchema,
  requestMac: storeBytes(32, 32).nullable(),
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema.nullable(),
  kind: IndiciumKindSchema,
  postageMills: safeUint,
  ascendingRegisterMills: safeUint,
  descendingRegisterMills: safeUint,
  pieceCount: safeUint,
  indicium: storeBytes(1, 4096),
  answer: storeBytes(1, 1 << 16),
});

export const LedgerWriteSchema = z.strictObject({
  customerId: CustomerIdSchema,
  idempotencyKey: RequestIdSchema,
  kind: LedgerKindSchema,
  meterId: MeterIdSchema.nullable(),
  amountMills: safeUint.min(1),
});

const ProviderMessageWriteSchema = z.strictObject({
  nonce: storeBytes(16, 16),
  meterId: MeterIdSchema,
  kind: ProviderMessageKindSchema,
  payload: storeBytes(1, 1 << 16),
  signature: storeBytes(64, 64),
});

const CertificateWriteSchema = z.strictObject({
  serial: CertificateSerialSchema,
  meterId: MeterIdSchema,
  pem: z.string().min(64).max(16_384).startsWith('-----BEGIN CERTIFICATE-----'),
});

const MeterUserWriteSchema = z.strictObject({
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  role: MeterUserRoleSchema,
  customerId: CustomerIdSchema,
});

const MeterUserKeySchema = z.strictObject({ meterId: MeterIdSchema, userId: MeterUserIdSchema });

/** The registration token a Configure / Add User / Reset registration uses up (DESIGN §4.2). */
const ConsumedRegistrationTokenSchema = z.strictObject({
  tokenHash: storeBytes(32, 32),
  meterId: MeterIdSchema,
});

const StockWriteSchema = z.strictObject({
  meterId: MeterIdSchema,
  certificateSerial: CertificateSerialSchema,
});

export const CommitUnitSchema = z
  .strictObject({
    package: PackageWriteSchema.optional(),
    checkpoint: CheckpointWriteSchema.optional(),
    auditEntries: z.array(AuditWriteSchema).max(64).optional(),
    indicium: IndiciumWriteSchema.optional(),
    ledgerEntries: z.array(LedgerWriteSchema).max(16).optional(),
    providerMessage: ProviderMessageWriteSchema.optional(),
    certificate: CertificateWriteSchema.optional(),
    /** Upserts: a meter user added or changed by Configure PSD / Add PSD User / user admin. */
    meterUsers: z.array(MeterUserWriteSchema).max(256).optional(),
    removedMeterUsers: z.array(MeterUserKeySchema).max(256).optional(),
    /** A fresh meter MeterGen put in stock, in the same unit as its first package. */
    stock: StockWriteSchema.optional(),
    /**
     * Deletes this token's grant in the unit: if it is gone already (a second registration with
     * the same token, on this node or another) the unit fails with ROLE_DENIED and writes nothing.
     */
    consumedRegistrationToken: ConsumedRegistrationTokenSchema.optional(),
  })
  .refine((u) => Object.values(u).some((part) => part !== undefined), 'a unit must write something')
  .refine(
    (u) =>
      u.package === undefined ||
      u.package.replacesVersion === null ||
      u.package.version > u.package.replacesVersion,
    { message: 'the new version must be greater than the one it replaces', path: ['package', 'version'] },
  )
  .refine(
    (u) => u.auditEntries === undefined || u.auditEntries.every((a) => a.moduleId === a.entry.moduleSerial),
    {
      message: 'an audit entry is stored under the module that made it (moduleId = entry.moduleSerial)',
      path: ['auditEntries'],
    },
  );

export type CommitUnit = z.input<typeof CommitUnitSchema>;
export type PackageWrite = z.input<typeof PackageWriteSchema>;
export type CheckpointWrite = z.input<typeof CheckpointWriteSchema>;
export type AuditWrite = z.input<typeof AuditWriteSchema>;
export type IndiciumWrite = z.input<typeof IndiciumWriteSchema>;
export type LedgerWrite = z.input<typeof LedgerWriteSchema>;
export type ProviderMessageWrite = z.input<typeof ProviderMessageWriteSchema>;
export type CertificateWrite = z.input<typeof CertificateWriteSchema>;
export type MeterUserWrite = z.input<typeof MeterUserWriteSchema>;
export type StockWrite = z.input<typeof StockWriteSchema>;

/** A unit that passed its checks; only these reach a store's writer. */
export type CheckedCommitUnit = z.output<typeof CommitUnitSchema>;

/** Checks a unit before it is queued; throws INVALID_FIELD (field `unit.<path>`). */
export function checkCommitUnit(unit: unknown): CheckedCommitUnit {
  return parseStoreInput(CommitUnitSchema, unit, 'unit');
}
