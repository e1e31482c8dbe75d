import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { INDICIUM_LENGTH } from '../indicium/indicium-layout.js';
import { RegistrationModeSchema, RegistrationTokenSchema } from './page-calls.js';
import {
  ChallengeSchema,
  CustomerIdSchema,
  EcdsaSignatureSchema,
  HmacSchema,
  IsoDateSchema,
  MeterIdSchema,
  MeterUserIdSchema,
  OriginSchema,
  PostageMillsSchema,
  ProtocolVersionSchema,
  RateCategorySchema,
  TimestampSchema,
  wireBytes,
  ZipSchema,
} from './primitives.js';
import { IndiciumFieldsSchema, RegistersShape } from './psd-fields.js';
import { WireErrorSchema } from './wire-error.js';

/**
 * Companion ↔ vault, HTTPS JSON under the pinned CA (DESIGN §4.2, §4.3, §5). Every MACed or signed
 * body has its layout beside it: the layout covers every field of the body except `protocol` (its
 * label carries the version) and the MAC or signature itself, with `transaction` flattened, and
 * takes bytes decoded from their base64.
 */

export const VAULT_PATHS = Object.freeze({
  registrationKeyBundle: '/v1/registration/key-bundle',
  registrationChallenge: '/v1/registration/challenge',
  registrationConfigure: '/v1/registration/configure',
  getChallenge: '/v1/psd/get-challenge',
  createIndicium: '/v1/psd/create-indicium',
  /** The same body with transaction kind `correction` (Create Correction Indicium, §3.3). */
  createCorrectionIndicium: '/v1/psd/create-correction-indicium',
  /** Add / Delete / Modify / List PSD Users: a Customer Administrator's PsdUserAdminRequest (§3.3). */
  userAdmin: '/v1/psd/users',
  verify: '/v1/verify',
  caCertificate: '/v1/ca',
  certificate: '/v1/certificates/{serial}',
} as const);

export const HMK_BYTES = 32;
export const PASSPHRASE_HASH_BYTES = 32;
/**
 * How a companion hashes a meter user's passphrase before it goes into the client secrets (DESIGN
 * §2: scrypt on the client; the module salts the hash again): scrypt(NFC passphrase, salt, 32 bytes)
 * with these parameters and the salt `PASSPHRASE_HASH_SALT_LABEL ‖ 0x00 ‖ meterId ‖ 0x00 ‖ userId`
 * (UTF-8). The salt is fixed per meter user, not random, so every computer of that user derives the
 * same hash (Complete Password Reset proves the old passphrase with it), and a hash taken from one
 * meter says nothing about the same passphrase elsewhere. N = 2^15, r = 8: RFC 7914's interactive cost.
 */
export const PASSPHRASE_HASH_SCRYPT = Object.freeze({ N: 2 ** 15, r: 8, p: 1 } as const);
export const PASSPHRASE_HASH_SALT_LABEL = 'indicium/registration/passphrase-hash/v1';
/** RSA-OAEP-SHA-256 with a 3072-bit key: 384-byte ciphertext, at most 384 − 2·32 − 2 = 318 plaintext bytes. */
export const CLIENT_SECRETS_CIPHERTEXT_BYTES = 384;
export const CLIENT_SECRETS_MAX_PLAINTEXT_BYTES = 318;

// ── registration (§4.2) ─────────────────────────────────────────────────────────────────────────

/** Step 1: the keys a companion encrypts to and verifies with, signed under the pinned CA. */
export const RegistrationKeyBundleSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  /** SPKI DER of the module's client-secret RSA-3072 public key. */
  clientSecretPublicKey: wireBytes({ min: 398, max: 550 }),
  /** SPKI DER of the module's registration signing key (ECDSA P-256, uncompressed point). */
  registrationSigningPublicKey: wireBytes({ exact: 91 }),
  issuedAt: TimestampSchema,
  /** DER X.509 of the key that signed this bundle; it must chain to the pinned postal CA. */
  signerCertificate: wireBytes({ min: 128, max: 8192 }),
  signature: EcdsaSignatureSchema,
});
export type RegistrationKeyBundle = z.infer<typeof RegistrationKeyBundleSchema>;
export const RegistrationKeyBundleSig = canonicalLayout('indicium/registration/key-bundle/v1', {
  clientSecretPublicKey: 'bytes',
  registrationSigningPublicKey: 'bytes',
  issuedAt: 'text',
  signerCertificate: 'bytes',
});

/** Step 2: ask the module for a registration challenge. */
export const RegistrationChallengeRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  registrationToken: RegistrationTokenSchema,
});
export type RegistrationChallengeRequest = z.infer<typeof RegistrationChallengeRequestSchema>;

/** The challenge, signed by the module's registration signing key. */
export const RegistrationChallengeSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  challenge: ChallengeSchema,
  issuedAt: TimestampSchema,
  expiresAt: TimestampSchema,
  signature: EcdsaSignatureSchema,
});
export type RegistrationChallenge = z.infer<typeof RegistrationChallengeSchema>;
export const RegistrationChallengeSig = canonicalLayout('indicium/registration/challenge/v1', {
  meterId: 'text',
  challenge: 'bytes',
  issuedAt: 'text',
  expiresAt: 'text',
});

/**
 * The plaintext the companion encrypts to the client-secret RSA key (RSA-OAEP-SHA-256). It names the
 * mode, meter, customer and user and echoes the challenge, so a ciphertext cannot be moved to
 * another meter, user or registration: the module refuses it unless each equals the request's
 * field and the challenge is the one it issued. 318 bytes at most (CLIENT_SECRETS_MAX_PLAINTEXT_BYTES).
 */
export const ClientSecretsPlaintext = canonicalLayout('indicium/registration/client-secrets/v1', {
  mode: 'text',
  meterId: 'text',
  customerId: 'text',
  userId: 'text',
  challenge: 'bytes',
  hmk: 'bytes',
  passphraseHash: 'bytes',
});

/** Step 3: Configure PSD, Add PSD User or Complete Password Reset. */
export const ConfigureRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  mode: RegistrationModeSchema,
  meterId: MeterIdSchema,
  customerId: CustomerIdSchema,
  userId: MeterUserIdSchema,
  registrationToken: RegistrationTokenSchema,
  challenge: ChallengeSchema,
  encryptedSecrets: wireBytes({ exact: CLIENT_SECRETS_CIPHERTEXT_BYTES }),
});
export type ConfigureRequest = z.infer<typeof ConfigureRequestSchema>;

/** The module's receipt, MACed with the new HMK: only the holder of the HMK can check it. */
export const ConfigureAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  mode: RegistrationModeSchema,
  meterId: MeterIdSchema,
  customerId: CustomerIdSchema,
  userId: MeterUserIdSchema,
  challenge: ChallengeSchema,
  ...RegistersShape,
  mac: HmacSchema,
});
export type ConfigureAnswer = z.infer<typeof ConfigureAnswerSchema>;
export const ConfigureAnswerMac = canonicalLayout('indicium/registration/configure-answer/v1', {
  mode: 'text',
  meterId: 'text',
  customerId: 'text',
  userId: 'text',
  challenge: 'bytes',
  ascendingRegisterMills: 'uint',
  descendingRegisterMills: 'uint',
});

// ── get challenge (§4.3, first handshake) ───────────────────────────────────────────────────────

export const GetChallengeRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  clientChallenge: ChallengeSchema,
  hmac: HmacSchema,
});
export type GetChallengeRequest = z.infer<typeof GetChallengeRequestSchema>;
export const GetChallengeRequestMac = canonicalLayout('indicium/psd/get-challenge-request/v1', {
  meterId: 'text',
  userId: 'text',
  clientChallenge: 'bytes',
});

/** Echoes Cc0, gives a new Cm and the registers, so a companion can resynchronise. */
export const GetChallengeAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  clientChallenge: ChallengeSchema,
  moduleChallenge: ChallengeSchema,
  ...RegistersShape,
  mac: HmacSchema,
});
export type GetChallengeAnswer = z.infer<typeof GetChallengeAnswerSchema>;
export const GetChallengeAnswerMac = canonicalLayout('indicium/psd/get-challenge-answer/v1', {
  meterId: 'text',
  userId: 'text',
  clientChallenge: 'bytes',
  moduleChallenge: 'bytes',
  ascendingRegisterMills: 'uint',
  descendingRegisterMills: 'uint',
});

// ── create indicium (§4.3) ──────────────────────────────────────────────────────────────────────

/** The transaction a user asks for. pageOrigin is the origin the extension attested. */
export const TransactionSchema = z.strictObject({
  kind: z.enum(['postage', 'correction']),
  postageMills: PostageMillsSchema.min(1),
  mailingDate: IsoDateSchema,
  rateCategory: RateCategorySchema,
  originZip: ZipSchema,
  destinationZip: ZipSchema.nullable(),
  pageOrigin: OriginSchema,
});
export type Transaction = z.infer<typeof TransactionSchema>;

export const CreateIndiciumRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  clientChallenge: ChallengeSchema,
  moduleChallenge: ChallengeSchema,
  ...RegistersShape,
  transaction: TransactionSchema,
  hmac: HmacSchema,
});
export type CreateIndiciumRequest = z.infer<typeof CreateIndiciumRequestSchema>;
export const CreateIndiciumRequestMac = canonicalLayout('indicium/psd/create-indicium-request/v1', {
  meterId: 'text',
  userId: 'text',
  clientChallenge: 'bytes',
  moduleChallenge: 'bytes',
  ascendingRegisterMills: 'uint',
  descendingRegisterMills: 'uint',
  kind: 'text',
  postageMills: 'uint',
  mailingDate: 'text',
  rateCategory: 'text',
  originZip: 'text',
  destinationZip: 'text?',
  pageOrigin: 'text',
});

/** The indicium, Cc echoed, the next Cm and the registers after, MACed with the user's HMK. */
export const CreateIndiciumAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  indicium: wireBytes({ exact: INDICIUM_LENGTH }),
  clientChallenge: ChallengeSchema,
  moduleChallenge: ChallengeSchema,
  ...RegistersShape,
  mac: HmacSchema,
});
export type CreateIndiciumAnswer = z.infer<typeof CreateIndiciumAnswerSchema>;
export const CreateIndiciumAnswerMac = canonicalLayout('indicium/psd/create-indicium-answer/v1', {
  meterId: 'text',
  userId: 'text',
  indicium: 'bytes',
  clientChallenge: 'bytes',
  moduleChallenge: 'bytes',
  ascendingRegisterMills: 'uint',
  descendingRegisterMills: 'uint',
});

// ── verify (§5, public) ─────────────────────────────────────────────────────────────────────────

export const VerifyRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  indicium: wireBytes({ exact: INDICIUM_LENGTH }),
});
export type VerifyRequest = z.infer<typeof VerifyRequestSchema>;

/** valid: the signature verifies under a meter certificate that chains to the postal CA. */
export const VerifyAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  valid: z.boolean(),
  /** null when the bytes are not a readable version 1 indicium. */
  fields: IndiciumFieldsSchema.nullable(),
  deviceId: MeterIdSchema.nullable(),
  /** Why it is not valid; null when valid. */
  reason: WireErrorSchema.nullable(),
});
export type VerifyAnswer = z.infer<typeof VerifyAnswerSchema>;

// ── errors ──────────────────────────────────────────────────────────────────────────────────────

/** The body of every vault error response (any status), for every API of the vault. */
export const VaultErrorBodySchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  error: WireErrorSchema,
});
export type VaultErrorBody = z.infer<typeof VaultErrorBodySchema>;
