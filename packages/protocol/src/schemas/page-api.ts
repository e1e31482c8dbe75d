import { z } from 'zod';
import { ProgressStageSchema, pageAnswersWith, pageCallsWith } from './page-calls.js';
import { ProtocolVersionSchema, RequestIdSchema } from './primitives.js';
import { WireErrorSchema } from './wire-error.js';

/**
 * Page ↔ extension over `window.postMessage` (DESIGN §4.1). Any script in the window can post, so
 * each message carries a source tag that the content script checks with the window and the schema.
 * The origin is never read from these messages: the extension takes it from the browser.
 */

export const PAGE_SOURCE = 'indicium-page';
export const EXTENSION_SOURCE = 'indicium-extension';
/** The page gives up with EXTENSION_UNAVAILABLE when no ack arrives within this time. */
export const PAGE_ACK_TIMEOUT_MS = 1000;

const fromExtension = {
  source: z.literal(EXTENSION_SOURCE),
  protocol: ProtocolVersionSchema,
  requestId: RequestIdSchema,
};

/** Page → extension: `{source, protocol, requestId, type, payload}`. */
export const PageRequestSchema = pageCallsWith({
  source: z.literal(PAGE_SOURCE),
  protocol: ProtocolVersionSchema,
  requestId: RequestIdSchema,
});
export type PageRequest = z.infer<typeof PageRequestSchema>;

/** Extension → page at once: the request reached the extension. */
export const PageAckSchema = z.strictObject({ ...fromExtension, type: z.literal('ack') });

/** Extension → page while a long call runs. */
export const PageProgressSchema = z.strictObject({
  ...fromExtension,
  type: z.literal('progress'),
  stage: ProgressStageSchema,
});

/** Extension → page: the answer, `for` naming the call it answers. */
export const PageResponseSchema = pageAnswersWith({ ...fromExtension, type: z.literal('response') });

/** Extension → page: the call failed. requestId is null only when the request itself was unreadable. */
export const PageErrorSchema = z.strictObject({
  ...fromExtension,
  requestId: RequestIdSchema.nullable(),
  type: z.literal('error'),
  error: WireErrorSchema,
});

/** Anything the page may receive from the extension. */
export const ExtensionToPageSchema = z.union([
  PageAckSchema,
  PageProgressSchema,
  PageResponseSchema,
  PageErrorSchema,
]);
export type PageAck = z.infer<typeof PageAckSchema>;
export type PageProgress = z.infer<typeof PageProgressSchema>;
export type PageResponse = z.infer<typeof PageResponseSchema>;
export type PageError = z.infer<typeof PageErrorSchema>;
export type ExtensionToPage = z.infer<typeof ExtensionToPageSchema>;
