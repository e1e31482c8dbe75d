import { z } from 'zod';
import { MAX_CERTIFICATE_SERIAL } from '../indicium/indicium-layout.js';
import { RegistrationModeSchema, RegistrationTokenSchema } from './page-calls.js';
import {
  base64urlBytes,
  CustomerIdSchema,
  DescendingRegisterMillsSchema,
  IsoDateSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  PostageMillsSchema,
  ProtocolVersionSchema,
  RateCategorySchema,
  RequestIdSchema,
  TimestampSchema,
  ZipSchema,
} from './primitives.js';
import { IndiciumKindSchema, PsdStateSchema, RegistersShape } from './psd-fields.js';

/**
 * Web UI ↔ vault account API (DESIGN §6, §8): account functions only. Nothing here moves value on
 * its own; postage is issued only through the PSD protocol, and deposits go through the provider.
 * The session travels in an httpOnly cookie; state-changing calls also send the CSRF token.
 */

export const WEB_PATHS = Object.freeze({
  signUp: '/v1/account/sign-up',
  login: '/v1/account/login',
  logout: '/v1/account/logout',
  customer: '/v1/account',
  meters: '/v1/meters',
  history: '/v1/meters/{meterId}/history',
  purchase: '/v1/meters/{meterId}/purchases',
  refund: '/v1/meters/{meterId}/refund',
  registrationToken: '/v1/meters/{meterId}/registration-tokens',
  licences: '/v1/licences',
  passwordReset: '/v1/meters/{meterId}/password-reset',
} as const);

const EmailSchema = z.email().max(254);
/** Long passphrases welcome; the upper bound only limits hashing cost per request. */
const PasswordSchema = z.string().min(12).max(1024);

export const SignUpRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  email: EmailSchema,
  password: PasswordSchema,
  displayName: z.string().trim().min(1).max(100),
});
export type SignUpRequest = z.infer<typeof SignUpRequestSchema>;

export const LoginRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  email: EmailSchema,
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const CustomerSchema = z.strictObject({
  customerId: CustomerIdSchema,
  email: EmailSchema,
  displayName: z.string().min(1).max(100),
  createdAt: TimestampSchema,
});
export type Customer = z.infer<typeof CustomerSchema>;

/** Answer to sign-up, login and GET customer. The CSRF token goes in the X-CSRF-Token header. */
export const SessionAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  customer: CustomerSchema,
  csrfToken: base64urlBytes({ exact: 32 }),
});
export type SessionAnswer = z.infer<typeof SessionAnswerSchema>;

export const MeterUserSchema = z.strictObject({
  userId: MeterUserIdSchema,
  role: z.enum(['user', 'customer-administrator']),
  maximumTotalMills: z.int().min(0).nullable(),
  expiresAt: TimestampSchema.nullable(),
});

export const MeterSummarySchema = z.strictObject({
  meterId: MeterIdSchema,
  state: PsdStateSchema,
  licensingZip: ZipSchema.nullable(),
  ...RegistersShape,
  maximumDescendingRegisterMills: DescendingRegisterMillsSchema.nullable(),
  pieceCount: z.int().min(0),
  certificateSerial: z.int().min(1).max(MAX_CERTIFICATE_SERIAL).nullable(),
  /** True while indicia are marked SAMPLE – NOT VALID POSTAGE. */
  sample: z.boolean(),
  users: z.array(MeterUserSchema).max(256),
});
export type MeterSummary = z.infer<typeof MeterSummarySchema>;

export const MetersAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meters: z.array(MeterSummarySchema).max(256),
});
export type MetersAnswer = z.infer<typeof MetersAnswerSchema>;

const CursorSchema = base64urlBytes({ min: 1, max: 64 });

/** Query string of GET history: every value arrives as text. */
export const HistoryQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/)
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional(),
  before: CursorSchema.optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export const HistoryItemSchema = z.strictObject({
  indiciumId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  userId: MeterUserIdSchema.nullable(),
  createdAt: TimestampSchema,
  kind: IndiciumKindSchema,
  postageMills: PostageMillsSchema,
  mailingDate: IsoDateSchema,
  rateCategory: RateCategorySchema,
  originZip: ZipSchema,
  destinationZip: ZipSchema.nullable(),
  pieceCount: z.int().min(0),
  ...RegistersShape,
  sample: z.boolean(),
});
export type HistoryItem = z.infer<typeof HistoryItemSchema>;

export const HistoryAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  items: z.array(HistoryItemSchema).max(100),
  nextCursor: CursorSchema.nullable(),
});
export type HistoryAnswer = z.infer<typeof HistoryAnswerSchema>;

/** Buy postage: the vault asks the provider for a Value Download (simulated payment, §6). */
export const PurchaseRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  amountMills: DescendingRegisterMillsSchema.min(1),
  /** A retry with the same key buys once. */
  idempotencyKey: RequestIdSchema,
  /** The card for the sample vault's simulated payment (its test numbers); absent: the default test card. */
  cardNumber: z
    .string()
    .regex(/^\d{12,19}$/)
    .optional(),
});
export type PurchaseRequest = z.infer<typeof PurchaseRequestSchema>;

/** Ask the provider to refund the meter's DR and withdraw it (§3.3 Create Refund Indicium). */
export const RefundRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  mailingDate: IsoDateSchema,
  idempotencyKey: RequestIdSchema,
});
export type RefundRequest = z.infer<typeof RefundRequestSchema>;

/** A one-time token the page hands to the companion's `register` call (§4.2). */
export const RegistrationTokenRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  mode: RegistrationModeSchema,
  userId: MeterUserIdSchema,
});
export type RegistrationTokenRequest = z.infer<typeof RegistrationTokenRequestSchema>;

export const RegistrationTokenAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  mode: RegistrationModeSchema,
  registrationToken: RegistrationTokenSchema,
  expiresAt: TimestampSchema,
});
export type RegistrationTokenAnswer = z.infer<typeof RegistrationTokenAnswerSchema>;

/**
 * Apply for a meter licence (DESIGN §6 provider: licences). The sample provider approves at once
 * and assigns a fresh meter from MeterGen's stock; Authorize Customer (licensing ZIP, maximum DR)
 * runs once the customer's companion has configured that meter.
 */
export const LicenceApplicationSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  licensingZip: ZipSchema,
  /** A retry with the same key applies once. */
  idempotencyKey: RequestIdSchema,
});
export type LicenceApplication = z.infer<typeof LicenceApplicationSchema>;

export const LicenceAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  licenceId: RequestIdSchema,
  licensingZip: ZipSchema,
  status: z.enum(['requested', 'approved', 'rejected', 'revoked']),
  /** The meter assigned to this licence once approved. */
  meterId: MeterIdSchema.nullable(),
});
export type LicenceAnswer = z.infer<typeof LicenceAnswerSchema>;

/** What a purchase or refund did: the ledger movement and the meter's registers after it. */
export const FundsAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  state: PsdStateSchema,
  amountMills: DescendingRegisterMillsSchema,
  ...RegistersShape,
});
export type FundsAnswer = z.infer<typeof FundsAnswerSchema>;

/** Ask the provider to start a password reset for one user of the meter (§3.3 Start Password Reset). */
export const PasswordResetRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  userId: MeterUserIdSchema,
});
export type PasswordResetRequest = z.infer<typeof PasswordResetRequestSchema>;
