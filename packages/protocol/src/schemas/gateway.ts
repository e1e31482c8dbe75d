import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { PageCallSchema, pageAnswersWith } from './page-calls.js';
import {
  hexBytes,
  MeterIdSchema,
  MeterUserIdSchema,
  OriginSchema,
  ProtocolVersionSchema,
  RequestIdSchema,
  wireBytes,
} from './primitives.js';
import { WireErrorSchema } from './wire-error.js';

/**
 * The small-office gateway (DESIGN §9): interface companions reach the gateway companion over
 * mutually authenticated TLS on the office network. Pairing binds the two TLS certificates once per
 * interface machine with a numeric-comparison code; afterwards each page call is forwarded in a
 * `GatewayCallRequest`, the same page-call protocol as native messaging (§4.1) in another envelope.
 */

/** The gateway's HTTPS routes (every one needs a TLS client certificate). */
export const GATEWAY_PATHS = Object.freeze({
  pairingStart: '/v1/gateway/pairing/start',
  pairingNonce: '/v1/gateway/pairing/nonce',
  call: '/v1/gateway/call',
});

/** A gateway answers no body above this (a returned PDF is the largest: a few hundred KiB). */
export const GATEWAY_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** 16 random bytes, lower-case hex (never starts with '-', so it is safe as a command-line argument). */
export const PairingIdSchema = hexBytes({ exact: 16 });

/** Pairing nonces are 32 random bytes. */
export const PAIRING_NONCE_BYTES = 32;
export const PairingNonceSchema = wireBytes({ exact: PAIRING_NONCE_BYTES });

/** A person's name for the interface machine, shown on the gateway's pairing screen and log. */
export const InterfaceNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N} ._'-]+$/u, "letters, digits, spaces and . _ ' - only");

/** The meter user an interface machine acts for: fixed at pairing, confirmed on the gateway. */
export const GatewayUserSchema = z.strictObject({ meterId: MeterIdSchema, userId: MeterUserIdSchema });
export type GatewayUser = z.infer<typeof GatewayUserSchema>;

/** Step 1: the interface asks to pair; the gateway commits to its nonce before it sees the interface's. */
export const PairingStartRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  name: InterfaceNameSchema,
  user: GatewayUserSchema,
});
export type PairingStartRequest = z.infer<typeof PairingStartRequestSchema>;

export const PairingStartAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  pairingId: PairingIdSchema,
  gatewayCommitment: wireBytes({ exact: 32 }),
});
export type PairingStartAnswer = z.infer<typeof PairingStartAnswerSchema>;

/** Step 2: the interface reveals its nonce; the gateway then opens its commitment. */
export const PairingNonceRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  pairingId: PairingIdSchema,
  interfaceNonce: PairingNonceSchema,
});
export type PairingNonceRequest = z.infer<typeof PairingNonceRequestSchema>;

export const PairingNonceAnswerSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  pairingId: PairingIdSchema,
  gatewayNonce: PairingNonceSchema,
});
export type PairingNonceAnswer = z.infer<typeof PairingNonceAnswerSchema>;

/**
 * The commitment the gateway sends before it knows the interface's nonce (SHA-256 of these bytes).
 * Without it a man in the middle could choose its own nonces after seeing both sides' and search
 * for a pair of transcripts whose short codes collide; with it each side's code is fixed by a
 * random value the attacker had to choose blind, so a forged pairing succeeds once in 10^6.
 */
export const PairingCommitmentLayout = canonicalLayout('indicium/gateway/pairing-commitment/v1', {
  pairingId: 'text',
  gatewayNonce: 'bytes',
});

/**
 * The transcript both sides hash into the six-digit pairing code (SHA-256, first 4 bytes as a
 * big-endian integer mod 10^6). The certificates are the DER each side saw in the TLS handshake,
 * so a man in the middle, who must present its own certificate to each side, makes the codes differ.
 */
export const PairingCodeLayout = canonicalLayout('indicium/gateway/pairing-code/v1', {
  pairingId: 'text',
  gatewayCertificate: 'bytes',
  interfaceCertificate: 'bytes',
  gatewayNonce: 'bytes',
  interfaceNonce: 'bytes',
  name: 'text',
  meterId: 'text',
  userId: 'text',
});

/** Where the printed job goes: the gateway's own printer, or back to the interface machine's. */
export const GatewayDeliverySchema = z.enum(['gateway', 'interface']);
export type GatewayDelivery = z.infer<typeof GatewayDeliverySchema>;

/** Interface → gateway: one page call for the paired user. */
export const GatewayCallRequestSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  requestId: RequestIdSchema,
  /** The page origin the interface's extension attested and its companion checked (§4.1). */
  origin: OriginSchema,
  user: GatewayUserSchema,
  /** For `print`: 'interface' returns the rendered PDF instead of printing it on the gateway. */
  deliver: GatewayDeliverySchema,
  request: PageCallSchema,
});
export type GatewayCallRequest = z.infer<typeof GatewayCallRequestSchema>;

/** A print job returned to the interface machine: the PDF the gateway rendered. */
export const ReturnedJobSchema = z.strictObject({
  pdf: wireBytes({ min: 1, max: 3 * 1024 * 1024 }),
  title: z.string().regex(/^[A-Za-z0-9_-]{1,96}$/),
});
export type ReturnedJob = z.infer<typeof ReturnedJobSchema>;

const fromGateway = { protocol: ProtocolVersionSchema, requestId: RequestIdSchema };

export const GatewayResponseSchema = pageAnswersWith({
  ...fromGateway,
  kind: z.literal('response'),
  job: ReturnedJobSchema.nullable(),
});

export const GatewayErrorSchema = z.strictObject({
  ...fromGateway,
  kind: z.literal('error'),
  error: WireErrorSchema,
});

/** Gateway → interface: the call's answer or its error, always with the request id. */
export const GatewayCallAnswerSchema = z.union([GatewayResponseSchema, GatewayErrorSchema]);
export type GatewayCallAnswer = z.infer<typeof GatewayCallAnswerSchema>;
