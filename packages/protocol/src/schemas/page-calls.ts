import { z } from 'zod';
import {
  MAX_PSD_USERS,
  PSD_PRIVILEGES,
  PsdPrivilegeSchema,
  PsdUserActionSchema,
  PsdUserRoleSchema,
  PsdUserViewSchema,
} from '../module/psd-users.js';
import {
  base64urlBytes,
  ComponentVersionSchema,
  CustomerIdSchema,
  IsoDateSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  MillsSchema,
  PostageMillsSchema,
  RateCategorySchema,
  TimestampSchema,
  wireBytes,
  ZipSchema,
} from './primitives.js';
import { IndiciumKindSchema, RegistersShape } from './psd-fields.js';

/**
 * What a web page may ask the companion (through the extension, DESIGN §4.1, §7, §8): each call's
 * request payload and answer payload. The page API and the native-messaging API carry the same
 * calls, so both are built from this one table.
 */

/** Media of DESIGN §5: #10 envelope, 4×6 label, US-letter sheet. */
export const MediumSchema = z.enum(['envelope-10', 'label-4x6', 'letter']);
export type Medium = z.infer<typeof MediumSchema>;

/** A one-time token the vault's web API issues to a logged-in customer for one registration. */
export const RegistrationTokenSchema = base64urlBytes({ exact: 32 });

/** How a companion joins a meter (DESIGN §4.2; §3.3 Configure PSD, Add PSD User, Complete Password Reset). */
export const RegistrationModeSchema = z.enum(['configure', 'add-user', 'reset']);

const AddressSchema = z.array(z.string().min(1).max(64), {}).min(1).max(6);

/** The value-bearing part of a print: what the indicium will say (the page never sets the registers). */
export const PageTransactionSchema = z.strictObject({
  kind: z.enum(['postage', 'correction']),
  postageMills: PostageMillsSchema.min(1),
  mailingDate: IsoDateSchema,
  rateCategory: RateCategorySchema,
  originZip: ZipSchema,
  destinationZip: ZipSchema.nullable(),
});

const IndiciumRecordSchema = z.strictObject({
  indiciumId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  meterId: MeterIdSchema,
  createdAt: TimestampSchema,
  kind: IndiciumKindSchema,
  postageMills: PostageMillsSchema,
  mailingDate: IsoDateSchema,
  rateCategory: RateCategorySchema,
  originZip: ZipSchema,
  destinationZip: ZipSchema.nullable(),
  /** Issued but never printed pieces may be printed once more; printed ones never again (§7). */
  status: z.enum(['issued', 'printed', 'print-failed', 'refunded']),
  /** Through an office gateway (§9): the meter user who printed it; absent on a companion of one's own. */
  userId: MeterUserIdSchema.optional(),
  /** Through an office gateway (§9): where the job went, `gateway:<printer>` or `interface:<machine>`. */
  printerId: z.string().min(1).max(200).nullable().optional(),
});

const PrinterIdSchema = z.string().min(1).max(128);

export const PAGE_CALLS = {
  status: {
    request: z.strictObject({}),
    answer: z.strictObject({
      companionVersion: ComponentVersionSchema,
      locked: z.boolean(),
      registrations: z.array(z.strictObject({ meterId: MeterIdSchema, userId: MeterUserIdSchema })).max(64),
      vault: z.enum(['reachable', 'unreachable', 'not-configured']),
    }),
  },
  unlock: {
    request: z.strictObject({ passphrase: z.string().min(1).max(1024) }),
    answer: z.strictObject({ locked: z.literal(false) }),
  },
  lock: {
    request: z.strictObject({}),
    answer: z.strictObject({ locked: z.literal(true) }),
  },
  register: {
    request: z.strictObject({
      mode: RegistrationModeSchema,
      meterId: MeterIdSchema,
      customerId: CustomerIdSchema,
      userId: MeterUserIdSchema,
      registrationToken: RegistrationTokenSchema,
      passphrase: z.string().min(12).max(1024),
    }),
    answer: z.strictObject({ meterId: MeterIdSchema, userId: MeterUserIdSchema, ...RegistersShape }),
  },
  print: {
    request: z.strictObject({
      meterId: MeterIdSchema,
      userId: MeterUserIdSchema,
      transaction: PageTransactionSchema,
      medium: MediumSchema,
      /** null: the companion's configured default printer. */
      printerId: PrinterIdSchema.nullable(),
      sender: AddressSchema.nullable(),
      recipient: AddressSchema.nullable(),
    }),
    answer: z.strictObject({
      indicium: IndiciumRecordSchema,
      indiciumBytes: wireBytes({ exact: 114 }),
      ...RegistersShape,
      printed: z.boolean(),
    }),
  },
  history: {
    request: z.strictObject({ meterId: MeterIdSchema, limit: z.int().min(1).max(100) }),
    answer: z.strictObject({ items: z.array(IndiciumRecordSchema).max(100) }),
  },
  reprint: {
    request: z.strictObject({
      indiciumId: IndiciumRecordSchema.shape.indiciumId,
      medium: MediumSchema,
      printerId: PrinterIdSchema.nullable(),
    }),
    answer: z.strictObject({ indicium: IndiciumRecordSchema, printed: z.literal(true) }),
  },
  printers: {
    request: z.strictObject({}),
    answer: z.strictObject({
      printers: z
        .array(
          z.strictObject({ printerId: PrinterIdSchema, name: z.string().max(256), isDefault: z.boolean() }),
        )
        .max(64),
    }),
  },
  /**
   * A customer administrator manages the meter's users (DESIGN §3.3 Add / Delete / Modify / List PSD
   * Users): the companion that holds the administrator's HMK MACs the request for the vault, so the
   * page never sees a key. `add` and `modify` give the target's whole profile (privileges, maximum
   * total, expiry); `delete` names the target only; `list` names nobody. The module checks the rest.
   */
  users: {
    request: z.strictObject({
      meterId: MeterIdSchema,
      /** The customer administrator, registered on this companion. */
      userId: MeterUserIdSchema,
      action: PsdUserActionSchema,
      targetUserId: MeterUserIdSchema.nullable(),
      role: PsdUserRoleSchema.nullable(),
      privileges: z.array(PsdPrivilegeSchema).max(PSD_PRIVILEGES.length),
      maximumTotalMills: MillsSchema.max(Number.MAX_SAFE_INTEGER).nullable(),
      expiresAt: TimestampSchema.nullable(),
      reregister: z.boolean(),
    }),
    answer: z.strictObject({
      meterId: MeterIdSchema,
      /** Every user of the meter after the change, as the module's MACed answer lists them. */
      users: z.array(PsdUserViewSchema).max(MAX_PSD_USERS),
    }),
  },
} as const;

export type PageCallType = keyof typeof PAGE_CALLS;
export const PAGE_CALL_TYPES = Object.freeze(Object.keys(PAGE_CALLS) as PageCallType[]);
export type PageCallRequest<T extends PageCallType> = z.infer<(typeof PAGE_CALLS)[T]['request']>;
export type PageCallAnswer<T extends PageCallType> = z.infer<(typeof PAGE_CALLS)[T]['answer']>;

/** Stages a long call (print) reports while it runs (DESIGN §8: progress). */
export const ProgressStageSchema = z.enum(['challenge', 'issuing', 'verifying', 'rendering', 'printing']);
export type ProgressStage = z.infer<typeof ProgressStageSchema>;

/**
 * Every call as `{...envelope, type, payload}`, discriminated by type. The page API and the
 * native-messaging API wrap the same calls in their own envelopes.
 */
export function pageCallsWith<E extends z.ZodRawShape>(envelope: E) {
  const variant = <T extends PageCallType>(type: T) =>
    z.strictObject({
      ...envelope,
      type: z.literal(type),
      // Without the cast TypeScript widens `.request` to the union of every call's payload.
      payload: PAGE_CALLS[type].request as (typeof PAGE_CALLS)[T]['request'],
    });
  return z.discriminatedUnion('type', [
    variant('status'),
    variant('unlock'),
    variant('lock'),
    variant('register'),
    variant('print'),
    variant('history'),
    variant('reprint'),
    variant('printers'),
    variant('users'),
  ]);
}

/** Every answer as `{...envelope, for, payload}`, discriminated by the call it answers. */
export function pageAnswersWith<E extends z.ZodRawShape>(envelope: E) {
  const variant = <T extends PageCallType>(type: T) =>
    z.strictObject({
      ...envelope,
      for: z.literal(type),
      payload: PAGE_CALLS[type].answer as (typeof PAGE_CALLS)[T]['answer'],
    });
  return z.discriminatedUnion('for', [
    variant('status'),
    variant('unlock'),
    variant('lock'),
    variant('register'),
    variant('print'),
    variant('history'),
    variant('reprint'),
    variant('printers'),
    variant('users'),
  ]);
}

/** `{type, payload}` of every call. */
export const PageCallSchema = pageCallsWith({});
export type PageCall = z.infer<typeof PageCallSchema>;

/** `{for, payload}` of every answer. */
export const PageAnswerSchema = pageAnswersWith({});
export type PageAnswer = z.infer<typeof PageAnswerSchema>;
