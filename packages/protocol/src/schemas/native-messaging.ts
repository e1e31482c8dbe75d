import { z } from 'zod';
import { PageCallSchema, ProgressStageSchema, pageAnswersWith } from './page-calls.js';
import {
  ComponentVersionSchema,
  OriginSchema,
  ProtocolVersionSchema,
  RequestIdSchema,
} from './primitives.js';
import { WireErrorSchema } from './wire-error.js';

/**
 * Extension ↔ companion over native messaging (DESIGN §4.1): frames are a 4-byte little-endian
 * length then UTF-8 JSON, each JSON text one of these messages.
 */

/**
 * The native-messaging host name the extension connects to and the companion installs its manifest
 * under (lower case and dots: Chrome's rule for host names).
 */
export const NATIVE_HOST_NAME = 'com.indicium.companion';

/** Chrome drops host → browser frames above 1 MiB: the companion never sends a larger one. */
export const NATIVE_MESSAGE_MAX_BYTES = 1024 * 1024;

/**
 * The first message each way. `protocol` is any version here, not only ours, so that a mismatch is
 * answered with VERSION_MISMATCH naming the part to update instead of an unreadable-message error.
 */
export const NativeHelloSchema = z.strictObject({
  kind: z.literal('hello'),
  protocol: z.int().min(1).max(0xffff),
  component: z.enum(['extension', 'companion']),
  version: ComponentVersionSchema,
});
export type NativeHello = z.infer<typeof NativeHelloSchema>;

/**
 * Extension → companion: a page call and the page's origin. The extension sets `origin` from the
 * browser-attested sender (top frame only), never from the page's message; the companion checks
 * it again against its own allow-list.
 */
export const NativeRequestSchema = z.strictObject({
  kind: z.literal('request'),
  protocol: ProtocolVersionSchema,
  requestId: RequestIdSchema,
  origin: OriginSchema,
  request: PageCallSchema,
});
export type NativeRequest = z.infer<typeof NativeRequestSchema>;

const fromCompanion = { protocol: ProtocolVersionSchema, requestId: RequestIdSchema };

export const NativeProgressSchema = z.strictObject({
  ...fromCompanion,
  kind: z.literal('progress'),
  stage: ProgressStageSchema,
});

export const NativeResponseSchema = pageAnswersWith({ ...fromCompanion, kind: z.literal('response') });

/** requestId is null only when the frame that failed could not be read. */
export const NativeErrorSchema = z.strictObject({
  protocol: ProtocolVersionSchema,
  requestId: RequestIdSchema.nullable(),
  kind: z.literal('error'),
  error: WireErrorSchema,
});

/** Anything the companion may receive after the hello. */
export const ExtensionToCompanionSchema = NativeRequestSchema;
/** Anything the extension may receive after the hello. */
export const CompanionToExtensionSchema = z.union([
  NativeProgressSchema,
  NativeResponseSchema,
  NativeErrorSchema,
]);

export type NativeProgress = z.infer<typeof NativeProgressSchema>;
export type NativeResponse = z.infer<typeof NativeResponseSchema>;
export type NativeError = z.infer<typeof NativeErrorSchema>;
export type CompanionToExtension = z.infer<typeof CompanionToExtensionSchema>;
