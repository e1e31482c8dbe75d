import { z } from 'zod';
import { base64Bytes } from './module-bytes.js';
import { OfficerRoleSchema } from './officer-role.js';

/**
 * Officer (access-control) command bodies, DESIGN §3.2. Passwords are the client-side scrypt hash
 * of the passphrase (DESIGN §2): exactly 32 bytes; the module never sees the passphrase.
 */
export const OFFICER_PASSWORD_BYTES = 32;

export const UserIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);
export const OfficerPasswordSchema = base64Bytes({ exact: OFFICER_PASSWORD_BYTES });

const DAY_MS = 86_400_000;
const durationMs = z
  .number()
  .int()
  .min(1)
  .max(3650 * DAY_MS);

/** The adjustable part of an officer profile. Times are module-clock milliseconds since the epoch. */
export const OfficerProfilePatchSchema = z
  .object({
    failureLimit: z.number().int().min(1).max(100).optional(),
    logonTimeoutMs: durationMs.optional(),
    accountExpiresAt: z.number().int().min(0).nullable().optional(),
    passwordLifetimeMs: durationMs.optional(),
    passwordPeriodMs: z
      .number()
      .int()
      .min(0)
      .max(365 * DAY_MS)
      .optional(),
  })
  .strict();

export const NewOfficerSchema = z
  .object({
    userId: UserIdSchema,
    role: OfficerRoleSchema,
    password: OfficerPasswordSchema,
    profile: OfficerProfilePatchSchema.optional(),
  })
  .strict();

/** Initialize Access Control: 1 Administrator, 1 Security Officer, ≥ 2 Key Custodians, optional Auditors. */
export const InitializeAccessControlRequestSchema = z
  .object({ accounts: z.array(NewOfficerSchema).min(4).max(32) })
  .strict();

export const LogonRequestSchema = z
  .object({
    userId: UserIdSchema,
    password: OfficerPasswordSchema,
    /** Required when the password has expired: logon and change in one step. */
    newPassword: OfficerPasswordSchema.optional(),
  })
  .strict();

export const EmptyRequestSchema = z.object({}).strict();

export const CreateAccountRequestSchema = NewOfficerSchema;

export const DeleteAccountRequestSchema = z.object({ userId: UserIdSchema }).strict();

export const ModifyAccountRequestSchema = z
  .object({
    userId: UserIdSchema,
    profile: OfficerProfilePatchSchema.optional(),
    /** Clears the failure count of a locked account. */
    unlock: z.boolean().optional(),
    /** An administrator-set password, expired at once so the officer must change it at logon. */
    resetPassword: OfficerPasswordSchema.optional(),
  })
  .strict();

export const SetClockRequestSchema = z
  .object({ time: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })
  .strict();

export const ChangePasswordRequestSchema = z
  .object({ oldPassword: OfficerPasswordSchema, newPassword: OfficerPasswordSchema })
  .strict();

/** One row of View Access Control: never a password or its verifier. */
export const AccessControlRowSchema = z
  .object({
    userId: UserIdSchema,
    role: OfficerRoleSchema,
    failureCount: z.number().int(),
    failureLimit: z.number().int(),
    locked: z.boolean(),
    logonTimeoutMs: z.number().int(),
    accountExpiresAt: z.number().int().nullable(),
    passwordExpiresAt: z.number().int(),
    passwordPeriodMs: z.number().int(),
    passwordLifetimeMs: z.number().int(),
    lastAccessAt: z.number().int().nullable(),
  })
  .strict();

export type NewOfficer = z.infer<typeof NewOfficerSchema>;
export type OfficerProfilePatch = z.infer<typeof OfficerProfilePatchSchema>;
export type AccessControlRow = z.infer<typeof AccessControlRowSchema>;
