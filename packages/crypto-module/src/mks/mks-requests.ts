import { base64Bytes } from '@indicium/protocol';
import { z } from 'zod';
import { MAX_SHARES } from './share-envelope.js';

/**
 * Request bodies of the MKS and crypto-card commands (DESIGN §3.3). Bytes are canonical base64.
 * Share envelopes are only checked for being objects here: their contents are checked by
 * `openShareEnvelope`, which names the bad part with a share error code (SHARE_INVALID…) rather
 * than a generic MALFORMED_REQUEST.
 */
const fingerprint = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256 fingerprint');
const mksVersion = z.number().int().min(1).max(0xffff_ffff);

export const GenerateMksRequestSchema = z.object({}).strict();

export const CreateMksSharesRequestSchema = z
  .object({
    n: z.number().int().min(2).max(MAX_SHARES),
    k: z.number().int().min(2).max(MAX_SHARES),
    /** Which MKS to share; default the active one. A rollover shares the new, still dormant MKS. */
    mksVersion: mksVersion.optional(),
  })
  .strict()
  .refine((body) => body.k <= body.n, { message: 'k must not exceed n', path: ['k'] });

export const SignedTransportKeySchema = z
  .object({
    transportPublicKey: base64Bytes({ min: 1, max: 1024 }),
    moduleKey: base64Bytes({ min: 1, max: 256 }),
    signature: base64Bytes({ exact: 64 }),
  })
  .strict();

export const ExportMksShareRequestSchema = z
  .object({
    /** The destination's signed TPK, as its Export Transport Public Key answered. */
    transportKey: SignedTransportKeySchema,
    /** The TPK fingerprint the Key Custodian read at the destination module. */
    destinationFingerprint: fingerprint,
    /** True: the destination may export this MKS again; false: retained there for good. */
    exportable: z.boolean(),
  })
  .strict();

export const ImportMksShareRequestSchema = z
  .object({
    share: z.record(z.string(), z.unknown()),
    /** The module-key fingerprint the Key Custodian read at the source module (Get Status). */
    sourceFingerprint: fingerprint,
  })
  .strict();

export const MksVersionRequestSchema = z.object({ version: mksVersion }).strict();

export const TranslateTokenRequestSchema = z
  .object({
    token: base64Bytes({ min: 37, max: 1 << 16 }),
    type: z.string().min(1).max(64),
    ownerId: z.string().min(1).max(128),
    recordVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

const mills = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const CryptoCardLimitsSchema = z
  .object({
    minPostage: mills,
    maxPostage: mills,
    maxDescendingRegister: mills,
    maxAscendingRegister: mills,
  })
  .strict();

const caPem = z.string().min(1).max(16_384);
const providerKey = base64Bytes({ min: 1, max: 256 });

export const InitializeCryptoCardRequestSchema = z
  .object({ postalCaCertificatePem: caPem, providerPublicKey: providerKey, limits: CryptoCardLimitsSchema })
  .strict();

const tokenText = base64Bytes({ min: 37, max: 1 << 16 });

export const CryptoCardTokensSchema = z
  .object({
    cardVersion: z.number().int().min(1).max(0xffff_ffff),
    registrationSigningKey: tokenText,
    clientSecretKey: tokenText,
    parameters: tokenText,
  })
  .strict();

/** Either load a card from another module's tokens, or change public parameters of this one. */
export const UpdateCryptoCardRequestSchema = z
  .object({
    tokens: CryptoCardTokensSchema.optional(),
    postalCaCertificatePem: caPem.optional(),
    providerPublicKey: providerKey.optional(),
    limits: CryptoCardLimitsSchema.optional(),
  })
  .strict()
  .refine(
    (body) =>
      (body.tokens !== undefined) !==
      (body.postalCaCertificatePem !== undefined ||
        body.providerPublicKey !== undefined ||
        body.limits !== undefined),
    { message: 'give either tokens or parameter changes', path: ['tokens'] },
  );
