import { z } from 'zod';
import { INDICIUM_LENGTH } from '../indicium/indicium-layout.js';
import { MeterIdSchema } from '../schemas/primitives.js';
import {
  AuthorizeCustomerSchema,
  PasswordResetStartSchema,
  RefundSchema,
  ValueDownloadSchema,
} from '../schemas/provider.js';
import { PsdStateSchema } from '../schemas/psd-fields.js';
import {
  ConfigureAnswerSchema,
  ConfigureRequestSchema,
  CreateIndiciumAnswerSchema,
  CreateIndiciumRequestSchema,
  GetChallengeAnswerSchema,
  GetChallengeRequestSchema,
  RegistrationChallengeRequestSchema,
  RegistrationChallengeSchema,
} from '../schemas/vault-api.js';
import { base64Bytes } from './module-bytes.js';
import { PsdUserAdminAnswerSchema, PsdUserAdminRequestSchema } from './psd-users.js';

/**
 * Vault ↔ module bodies of the PSD commands (DESIGN §3.3 second table, §3.6, §4). The vault passes
 * the meter's PSD package and the database's checkpoint record for this module with every PSD
 * command, and stores what comes back: the new package, the new checkpoint record (in the module
 * table) and the audit entry — "and changes nothing else". Wire messages from the companion and
 * the provider travel inside unchanged (`request`, `message`), so the module checks the very bytes
 * their MAC or signature covers.
 */

const BASE64_TEXT = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Node's Buffer when the protocol runs under Node (the module, the vault); absent in a browser. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * True when `s` is the one canonical base64 text of its bytes: the same rule as
 * `isCanonicalBase64`. A package is kilobytes and travels with every PSD command: under Node, a
 * native decode and re-encode decides it (≈ 1 µs for a package, where the regular expression takes
 * 4–17 µs — crypto-module README "Benchmark"); elsewhere the regular expression does. The two are
 * property-tested against each other and against `isCanonicalBase64`.
 */
export function isCanonicalBase64Text(s: string): boolean {
  if (NodeBuffer === undefined) return isCanonicalBase64TextByPattern(s);
  // Node's decoder skips what is not base64 and stops at padding; its encoder writes the one
  // canonical padded form: the text comes back unchanged exactly when it was canonical.
  return s.length % 4 === 0 && NodeBuffer.from(s, 'base64').toString('base64') === s;
}

/** `isCanonicalBase64Text` by one regular expression and the unused bits of the last symbol. */
export function isCanonicalBase64TextByPattern(s: string): boolean {
  if (s.length % 4 !== 0 || !BASE64_TEXT.test(s)) return false;
  if (s.endsWith('==')) return 'AQgw'.includes(s.charAt(s.length - 3));
  if (s.endsWith('=')) return 'AEIMQUYcgkosw048'.includes(s.charAt(s.length - 2));
  return true;
}

function base64Text(min: number, max: number) {
  return z
    .string()
    .max(Math.ceil(max / 3) * 4)
    .refine(isCanonicalBase64Text, { message: 'must be canonical base64' })
    .refine(
      (s) => {
        const n = (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
        return n >= min && n <= max;
      },
      { message: `must decode to ${min}..${max} bytes` },
    );
}

/** A PSD package as the database stores it (format in the crypto-module README). */
export const PsdPackageBytesSchema = base64Text(64, 1 << 16);
/** A checkpoint record as the module table stores it; null while the module has made none. */
export const CheckpointRecordBytesSchema = base64Text(64, 1024);

const held = {
  package: PsdPackageBytesSchema,
  checkpoint: CheckpointRecordBytesSchema.nullable(),
};

/** Initialize PSD: a new package for the device id the vault allocated (MeterGen). */
export const InitializePsdBodySchema = z.strictObject({
  meterId: MeterIdSchema,
  checkpoint: CheckpointRecordBytesSchema.nullable(),
});
/** Authorize PSD: the meter certificate (DER) the postal CA issued for this device and key. */
export const AuthorizePsdBodySchema = z.strictObject({
  ...held,
  certificate: base64Bytes({ min: 64, max: 8192 }),
});
export const RegistrationChallengeBodySchema = z.strictObject({
  ...held,
  request: RegistrationChallengeRequestSchema,
});
/** Configure PSD, Register PSD User and Complete Password Reset (the request's mode must match). */
export const ConfigureBodySchema = z.strictObject({ ...held, request: ConfigureRequestSchema });
export const AuthorizeCustomerBodySchema = z.strictObject({ ...held, message: AuthorizeCustomerSchema });
export const ValueDownloadBodySchema = z.strictObject({ ...held, message: ValueDownloadSchema });
export const RefundBodySchema = z.strictObject({ ...held, message: RefundSchema });
export const PasswordResetStartBodySchema = z.strictObject({ ...held, message: PasswordResetStartSchema });
export const GetChallengeBodySchema = z.strictObject({ ...held, request: GetChallengeRequestSchema });
/** Create Indicium (kind postage) and Create Correction Indicium (kind correction). */
export const CreateIndiciumBodySchema = z.strictObject({ ...held, request: CreateIndiciumRequestSchema });
export const PsdUserAdminBodySchema = z.strictObject({ ...held, request: PsdUserAdminRequestSchema });
export const AutoRecoverCheckpointBodySchema = z.strictObject({
  checkpoint: CheckpointRecordBytesSchema.nullable(),
});
/** Officer disaster recovery: the record the operators decided to trust (null: start afresh). */
export const RecoverCheckpointBodySchema = z.strictObject({
  checkpoint: CheckpointRecordBytesSchema.nullable(),
});
export const TranslatePsdPackageBodySchema = z.strictObject({ ...held });
/** PSD settings of one module (Security Officer): the challenge window and passphrase lock limit. */
export const PsdSettingsSchema = z.strictObject({
  /** How long a module challenge (and a registration challenge) stays fresh, ms. */
  challengeLifetimeMs: z
    .int()
    .min(1_000)
    .max(7 * 24 * 3_600_000),
  /** Wrong passphrases in a password reset before the user is locked. */
  passphraseFailureLimit: z.int().min(1).max(20),
});
export type PsdSettings = z.infer<typeof PsdSettingsSchema>;

/** What every package-changing command answers, beside its own answer. */
export const PsdRecordsAnswerShape = {
  meterId: MeterIdSchema,
  /** The new package: store it as the meter's record. */
  package: PsdPackageBytesSchema,
  packageVersion: z.int().min(1),
  /** The new checkpoint record: store it as this module's row in the module table. */
  checkpoint: CheckpointRecordBytesSchema,
  state: PsdStateSchema,
  ascendingRegisterMills: z.int().min(0),
  descendingRegisterMills: z.int().min(0),
  pieceCount: z.int().min(0),
};
export const PsdRecordsAnswerSchema = z.strictObject(PsdRecordsAnswerShape);
export type PsdRecordsAnswer = z.infer<typeof PsdRecordsAnswerSchema>;

export const InitializePsdAnswerSchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  /** SPKI DER of the meter's indicium key: MeterGen asks the postal CA for its certificate. */
  publicKey: base64Bytes({ max: 256 }),
});
export const AuthorizePsdAnswerSchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  certificateSerial: z.int().min(1),
});
export const RegistrationChallengeAnswerSchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  answer: RegistrationChallengeSchema,
});
/** `completed` false: a wrong passphrase in a password reset, counted in the new package. */
export const ConfigureAnswerBodySchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  completed: z.boolean(),
  answer: ConfigureAnswerSchema.nullable(),
});
export const GetChallengeAnswerBodySchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  answer: GetChallengeAnswerSchema,
});
export const CreateIndiciumAnswerBodySchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  answer: CreateIndiciumAnswerSchema,
});
export const RefundAnswerBodySchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  refundedMills: z.int().min(0),
  indicium: base64Bytes({ exact: INDICIUM_LENGTH }),
});
export const PsdUserAdminAnswerBodySchema = z.strictObject({
  ...PsdRecordsAnswerShape,
  answer: PsdUserAdminAnswerSchema,
});
