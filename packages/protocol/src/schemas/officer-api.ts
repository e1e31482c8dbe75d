import { z } from 'zod';
import { AuditEntrySchema } from '../module/audit-entry.js';
import { ModuleRequestSchema, SealedMessageSchema } from '../module/module-envelope.js';
import { CheckpointRecordBytesSchema, PsdPackageBytesSchema } from '../module/psd-commands.js';
import { MeterIdSchema, ProtocolVersionSchema } from './primitives.js';
import { PsdStateSchema } from './psd-fields.js';

/**
 * `vaultctl` ↔ vault officer endpoint (DESIGN §3.2, §6): HTTPS JSON, answered only on the vault
 * machine's loopback interface. The vault is a relay: officer commands travel as sealed session
 * messages that only `vaultctl` and the chosen module can open (the session is end-to-end, its
 * module half signed by the module key), so the vault never sees an officer's password or a
 * command's plaintext.
 */
export const OFFICER_PATHS = Object.freeze({
  modules: '/v1/officer/modules',
  dispatch: '/v1/officer/modules/{serial}/dispatch',
  inService: '/v1/officer/modules/{serial}/in-service',
  /** Reboots a module over its NVM: clears a session a dead client left open (DESIGN §3.2). */
  restart: '/v1/officer/modules/{serial}/restart',
  audit: '/v1/officer/modules/{serial}/audit',
  cryptoCard: '/v1/officer/crypto-card',
  /**
   * Takes a module out of PSD service (after its leases drained) or gives it back: the module a
   * rollover sweep translates packages on (DESIGN §3.4, §3.6).
   */
  psdService: '/v1/officer/modules/{serial}/psd-service',
  /** `GET ?after=&limit=[&mksVersion=]`: meters, each with the MKS version its package is sealed under. */
  packages: '/v1/officer/packages',
  /** `GET`: one meter's package; `PUT`: store its translation (with the module's checkpoint). */
  package: '/v1/officer/packages/{meterId}',
  /** `POST`: hold the meter for a translation and read its package; `DELETE`: let it go. */
  translation: '/v1/officer/packages/{meterId}/translation',
} as const);

/**
 * A module serial as the vault names its modules (`M0001`… on the first node of a cluster,
 * `N<node id>-M0001`… on a node that joined it: DESIGN §10); also a path segment.
 */
export const ModuleSerialSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/);

/**
 * Plain (unsealed) commands the relay forwards. Everything else must be sealed in an officer
 * session; PSD commands never pass here, they go through the PSD routes that commit to the store.
 */
export const OFFICER_PLAIN_COMMANDS = Object.freeze([
  'get-status',
  'open-session',
  'start-initialization',
  'create-audit-entry',
  'reset',
] as const);

export const OfficerDispatchRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  request: ModuleRequestSchema,
});
export type OfficerDispatchRequest = z.infer<typeof OfficerDispatchRequestSchema>;

const ModuleFailureSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
  field: z.string().max(128).optional(),
  detail: z.string().max(1024).optional(),
});

/** `ModuleOutcome` (module/module-outcome.ts) as it crosses HTTP: checked before a client trusts it. */
export const ModuleOutcomeSchema = z.union([
  z.strictObject({
    ok: z.literal(true),
    result: z.unknown().optional(),
    sealed: SealedMessageSchema.optional(),
    audit: AuditEntrySchema.optional(),
  }),
  z.strictObject({ ok: z.literal(false), error: ModuleFailureSchema, audit: AuditEntrySchema.optional() }),
]);

export const OfficerDispatchAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  module: ModuleSerialSchema,
  outcome: ModuleOutcomeSchema,
});
export type OfficerDispatchAnswer = z.infer<typeof OfficerDispatchAnswerSchema>;

export const PoolModuleInfoSchema = z.strictObject({
  serial: ModuleSerialSchema,
  /** False for a module still being cloned: the pool sends it no PSD work. */
  inService: z.boolean(),
  inFlight: z.number().int().min(0),
  restarts: z.number().int().min(0),
});
export type PoolModuleInfo = z.infer<typeof PoolModuleInfoSchema>;

export const ModuleListAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  modules: z.array(PoolModuleInfoSchema),
});

/** `POST modules`: a new, Uninitialized module (worker + NVM) for `vaultctl add-module` to clone. */
export const AddModuleRequestSchema = z.strictObject({ protocol: ProtocolVersionSchema });
export const AddModuleAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  module: PoolModuleInfoSchema,
});

export const RestartModuleRequestSchema = z.strictObject({ protocol: ProtocolVersionSchema });

export const SetInServiceRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  inService: z.boolean(),
  /** A module new to the vault: its module key (SPKI DER, base64) as pinned at Start Initialization. */
  modulePublicKey: z.string().min(1).max(512).optional(),
});
export const SetInServiceAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  module: PoolModuleInfoSchema,
});

/** The audit entries the vault stored for one module, in sequence order (DESIGN §3.5). */
export const AuditExportAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  module: ModuleSerialSchema,
  entries: z.array(AuditEntrySchema),
});

/**
 * The pool's crypto-card key tokens (sealed under the MKS, so opaque here), as Initialize
 * Crypto-Card answered them at first run: a new module loads them with Update Crypto-Card.
 */
export const CryptoCardAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  tokens: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The pool's active MKS: a clone's combined MKS must show this key-check value. */
  mks: z.strictObject({ version: z.number().int().min(1), kcv: z.string().regex(/^[0-9a-f]{32}$/) }),
});

/** After a rollover: the crypto-card tokens translated to the new MKS, and that MKS. */
export const SetCryptoCardRequestSchema = CryptoCardAnswerSchema;

/** `POST psd-service`: false takes the module out of PSD service (its leases drain first), true gives it back. */
export const SetPsdServiceRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  psdService: z.boolean(),
});
export const SetPsdServiceAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  module: ModuleSerialSchema,
  psdService: z.boolean(),
  /** The module's row of the module table (DESIGN §3.6): the record its next PSD command must present. */
  checkpoint: CheckpointRecordBytesSchema.nullable(),
});

/** Store rows one list page reads at most (a page may name fewer meters: only matches are listed). */
export const PACKAGE_LIST_MAX_SCAN = 500;

/**
 * `GET packages` query: one bounded page of the store, in meter-id order, after the cursor; with
 * `mksVersion`, only the packages sealed under it are listed (and those whose header is unreadable).
 */
export const PackageListQuerySchema = z.strictObject({
  mksVersion: z.coerce.number().int().min(1).max(0xffff_ffff).optional(),
  after: MeterIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(PACKAGE_LIST_MAX_SCAN).default(100),
});
export type PackageListQuery = z.input<typeof PackageListQuerySchema>;

export const PackageListAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  /**
   * Meters of this page and the MKS version their package header names (read, not verified:
   * DESIGN §3.4); null when the header cannot be read (the package may be under any version).
   */
  packages: z.array(
    z.strictObject({
      meterId: MeterIdSchema,
      version: z.number().int().min(1),
      mksVersion: z.number().int().min(1).nullable(),
    }),
  ),
  /** Store rows this page read. */
  scanned: z.number().int().min(0),
  /** Pass as `after` for the next page; null: the store has no more packages. */
  next: MeterIdSchema.nullable(),
});
export type PackageListAnswer = z.infer<typeof PackageListAnswerSchema>;

/** One meter's stored package and what its clear header says. */
export const PackageAnswerShape = {
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  /** The store's version of the record (equal to the header's package version). */
  version: z.number().int().min(1),
  mksVersion: z.number().int().min(1),
  state: PsdStateSchema,
  package: PsdPackageBytesSchema,
};
export const PackageAnswerSchema = z.strictObject(PackageAnswerShape);
export type PackageAnswer = z.infer<typeof PackageAnswerSchema>;

/** `POST translation`: hold the meter (no other work on it) while `module` translates its package. */
export const BeginTranslationRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  module: ModuleSerialSchema,
});
export const BeginTranslationAnswerSchema = z.strictObject({
  ...PackageAnswerShape,
  module: ModuleSerialSchema,
  /** The module's module-table row: pass it as the Translate PSD Package `checkpoint`. */
  checkpoint: CheckpointRecordBytesSchema.nullable(),
  /** The vault lets the meter go after this long without a store. */
  holdMs: z.number().int().min(1),
});
export type BeginTranslationAnswer = z.infer<typeof BeginTranslationAnswerSchema>;

export const EndTranslationAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  /** False when no hold was left (it expired or was already ended). */
  released: z.boolean(),
});

/**
 * `PUT package`: a translated package and the translating module's new checkpoint, stored as one
 * unit (DESIGN §3.3: a package change and its checkpoint move together). Refused with
 * STALE_PACKAGE when the stored version is no longer `replacesVersion`.
 */
export const StoreTranslatedPackageRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  /** The module that translated it (out of PSD service); its row takes `checkpoint`. */
  module: ModuleSerialSchema,
  /** The stored version the translation was made from. */
  replacesVersion: z.number().int().min(1),
  package: PsdPackageBytesSchema,
  checkpoint: CheckpointRecordBytesSchema,
});
export type StoreTranslatedPackageRequest = z.infer<typeof StoreTranslatedPackageRequestSchema>;

export const StoreTranslatedPackageAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  version: z.number().int().min(1),
  mksVersion: z.number().int().min(1),
});
