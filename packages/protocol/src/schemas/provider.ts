import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { INDICIUM_LENGTH } from '../indicium/indicium-layout.js';
import {
  CustomerIdSchema,
  DescendingRegisterMillsSchema,
  EcdsaSignatureSchema,
  IsoDateSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  MillsSchema,
  NonceSchema,
  ProtocolVersionSchema,
  TimestampSchema,
  wireBytes,
  ZipSchema,
} from './primitives.js';
import { PsdStateSchema, RegistersShape } from './psd-fields.js';

/**
 * Provider service ↔ vault (DESIGN §4.4): the commands only the provider may give a meter, each
 * signed with the provider key (ECDSA P-256, raw r‖s) and checked by the module with the provider
 * public key loaded at Initialize Crypto-Card. A layout covers every field but `protocol` and
 * `signature`. The nonce makes each message unique for the audit trail; replays are also stopped by
 * the state they assert (a control total, a PSD state) no longer holding once they have run.
 */

const signed = {
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  nonce: NonceSchema,
  issuedAt: TimestampSchema,
  /**
   * The package version the message was issued for: it applies to that copy only. A copy that
   * differs only by printed pieces has the same AR + DR, so only the version shows the module an
   * older copy (issue 4: any older copy of a package presented later is refused).
   */
  packageVersion: z.int().min(1),
  signature: EcdsaSignatureSchema,
};

/** Value Download: control total must equal AR + DR (§3.3); the amount is added to DR. */
export const ValueDownloadSchema = z.strictObject({
  ...signed,
  controlTotalMills: MillsSchema,
  amountMills: DescendingRegisterMillsSchema.min(1),
});
export type ValueDownload = z.infer<typeof ValueDownloadSchema>;
export const ValueDownloadSig = canonicalLayout('indicium/provider/value-download/v2', {
  meterId: 'text',
  nonce: 'bytes',
  issuedAt: 'text',
  packageVersion: 'uint',
  controlTotalMills: 'uint',
  amountMills: 'uint',
});

/** Authorize Customer: assigned → leased; sets the licensing ZIP and the maximum DR. */
export const AuthorizeCustomerSchema = z.strictObject({
  ...signed,
  customerId: CustomerIdSchema,
  licensingZip: ZipSchema,
  maximumDescendingRegisterMills: DescendingRegisterMillsSchema.min(1),
});
export type AuthorizeCustomer = z.infer<typeof AuthorizeCustomerSchema>;
export const AuthorizeCustomerSig = canonicalLayout('indicium/provider/authorize-customer/v2', {
  meterId: 'text',
  nonce: 'bytes',
  issuedAt: 'text',
  packageVersion: 'uint',
  customerId: 'text',
  licensingZip: 'text',
  maximumDescendingRegisterMills: 'uint',
});

/** Create Refund Indicium: an indicium for the whole DR; DR → 0, AR up by as much; → withdrawn. */
export const RefundSchema = z.strictObject({
  ...signed,
  controlTotalMills: MillsSchema,
  mailingDate: IsoDateSchema,
});
export type Refund = z.infer<typeof RefundSchema>;
export const RefundSig = canonicalLayout('indicium/provider/refund/v2', {
  meterId: 'text',
  nonce: 'bytes',
  issuedAt: 'text',
  packageVersion: 'uint',
  controlTotalMills: 'uint',
  mailingDate: 'text',
});

/** Start Password Reset: leased → pwreset for one meter user. */
export const PasswordResetStartSchema = z.strictObject({
  ...signed,
  userId: MeterUserIdSchema,
});
export type PasswordResetStart = z.infer<typeof PasswordResetStartSchema>;
export const PasswordResetStartSig = canonicalLayout('indicium/provider/password-reset-start/v2', {
  meterId: 'text',
  nonce: 'bytes',
  issuedAt: 'text',
  packageVersion: 'uint',
  userId: 'text',
});

/** The vault's answer to a provider command that changed a meter. */
export const ProviderMeterAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  state: PsdStateSchema,
  ...RegistersShape,
});
export type ProviderMeterAnswer = z.infer<typeof ProviderMeterAnswerSchema>;

/** The refund answer also carries the refund indicium, so the provider can credit the customer. */
export const RefundAnswerSchema = ProviderMeterAnswerSchema.extend({
  refundedMills: DescendingRegisterMillsSchema,
  indicium: wireBytes({ exact: INDICIUM_LENGTH }),
});
export type RefundAnswer = z.infer<typeof RefundAnswerSchema>;
