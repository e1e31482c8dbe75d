import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import {
  ChallengeSchema,
  HmacSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  MillsSchema,
  ProtocolVersionSchema,
  TimestampSchema,
} from '../schemas/primitives.js';

/**
 * Multi-user meters (DESIGN §3.3 Add / Delete / Modify / List PSD Users; seed "customer
 * administrator"): a Customer Administrator, one of the meter's users, manages the others with
 * requests MACed by their own HMK, carrying the module challenge like every user request (§4.3),
 * and the module answers MACed with the same HMK.
 */

/** What a meter user may do (seed: create indicia, reset password, retrieve status, read the public key). */
export const PSD_PRIVILEGES = Object.freeze([
  'create-indicia',
  'reset-password',
  'status',
  'read-public-key',
] as const);
export const PsdPrivilegeSchema = z.enum(PSD_PRIVILEGES);
export type PsdPrivilege = z.infer<typeof PsdPrivilegeSchema>;

/** `customer-admin` may also run the user-administration commands. */
export const PSD_USER_ROLES = Object.freeze(['customer-admin', 'user'] as const);
export const PsdUserRoleSchema = z.enum(PSD_USER_ROLES);
export type PsdUserRole = z.infer<typeof PsdUserRoleSchema>;

export const PSD_USER_ACTIONS = Object.freeze(['add', 'delete', 'modify', 'list'] as const);
export const PsdUserActionSchema = z.enum(PSD_USER_ACTIONS);
export type PsdUserAction = z.infer<typeof PsdUserActionSchema>;

/** At most this many users share one meter (the package stays small: DESIGN §10). */
export const MAX_PSD_USERS = 32;

/**
 * One administration request. `add` and `modify` give the target's whole profile; `delete` and
 * `list` leave the profile fields at their neutral values (no target for `list`). `reregister`
 * (modify only) forgets the target's HMK and passphrase so they register again (mode add-user),
 * which is how a user who forgot their passphrase gets a new one; the old passphrases stay on the
 * repetition list.
 */
export const PsdUserAdminRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  /** The Customer Administrator making the request. */
  userId: MeterUserIdSchema,
  clientChallenge: ChallengeSchema,
  moduleChallenge: ChallengeSchema,
  action: PsdUserActionSchema,
  targetUserId: MeterUserIdSchema.nullable(),
  role: PsdUserRoleSchema.nullable(),
  privileges: z.array(PsdPrivilegeSchema).max(PSD_PRIVILEGES.length),
  /** The most postage the target may print in total; null: no limit. */
  maximumTotalMills: MillsSchema.max(Number.MAX_SAFE_INTEGER).nullable(),
  /** When the target's access ends; null: never. */
  expiresAt: TimestampSchema.nullable(),
  reregister: z.boolean(),
  hmac: HmacSchema,
});
export type PsdUserAdminRequest = z.infer<typeof PsdUserAdminRequestSchema>;
export const PsdUserAdminRequestMac = canonicalLayout('indicium/psd/user-admin-request/v1', {
  meterId: 'text',
  userId: 'text',
  clientChallenge: 'bytes',
  moduleChallenge: 'bytes',
  action: 'text',
  targetUserId: 'text?',
  role: 'text?',
  privileges: 'text[]',
  maximumTotalMills: 'uint?',
  expiresAt: 'text?',
  reregister: 'bool',
});

/** A user as the administrator sees them; never secrets. */
export const PsdUserViewSchema = z.strictObject({
  userId: MeterUserIdSchema,
  role: PsdUserRoleSchema,
  privileges: z.array(PsdPrivilegeSchema).max(PSD_PRIVILEGES.length),
  maximumTotalMills: MillsSchema.nullable(),
  totalMills: MillsSchema,
  expiresAt: TimestampSchema.nullable(),
  /** True once the user's companion delivered an HMK (Configure PSD or register with add-user). */
  registered: z.boolean(),
  /** Locked after too many wrong passphrases in a password reset. */
  locked: z.boolean(),
});
export type PsdUserView = z.infer<typeof PsdUserViewSchema>;

/** One user inside the answer MAC: each user is itself canonically encoded, in list order. */
export const PsdUserViewLayout = canonicalLayout('indicium/psd/user-view/v1', {
  userId: 'text',
  role: 'text',
  privileges: 'text[]',
  maximumTotalMills: 'uint?',
  totalMills: 'uint',
  expiresAt: 'text?',
  registered: 'bool',
  locked: 'bool',
});

export const PsdUserAdminAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  clientChallenge: ChallengeSchema,
  /** The administrator's next module challenge. */
  moduleChallenge: ChallengeSchema,
  action: PsdUserActionSchema,
  /** Every user of the meter after the change, in user-id order. */
  users: z.array(PsdUserViewSchema).max(MAX_PSD_USERS),
  mac: HmacSchema,
});
export type PsdUserAdminAnswer = z.infer<typeof PsdUserAdminAnswerSchema>;
export const PsdUserAdminAnswerMac = canonicalLayout('indicium/psd/user-admin-answer/v1', {
  meterId: 'text',
  userId: 'text',
  clientChallenge: 'bytes',
  moduleChallenge: 'bytes',
  action: 'text',
  users: 'bytes[]',
});

/** The MAC input of an administration answer: the users are encoded one by one with `PsdUserViewLayout`. */
export function psdUserAdminAnswerBytes(
  answer: Omit<PsdUserAdminAnswer, 'mac' | 'protocol' | 'clientChallenge' | 'moduleChallenge'> & {
    readonly clientChallenge: Uint8Array;
    readonly moduleChallenge: Uint8Array;
  },
): Uint8Array {
  return PsdUserAdminAnswerMac.encode({
    ...answer,
    users: answer.users.map((user) => PsdUserViewLayout.encode(user)),
  });
}
