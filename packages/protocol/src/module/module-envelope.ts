import { z } from 'zod';
import { base64Bytes } from './module-bytes.js';

/** Command names are kebab-case ASCII: they are also canonical `text` fields of MACs and audit entries. */
export const CommandNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/);

/** Session ids are 16 random bytes. */
export const SESSION_ID_BYTES = 16;
/** HMAC-SHA-256 tags on session messages. */
export const SESSION_MAC_BYTES = 32;

/**
 * One authenticated (optionally encrypted) session message, in either direction (DESIGN §3.3:
 * "session MAC/encrypt"). `payload` is the UTF-8 JSON of the body, or, when `encrypted`, the
 * 12-byte GCM nonce ‖ ciphertext ‖ 16-byte tag of that JSON. The MAC covers the exact payload
 * bytes through `SessionMessageLayout`, so nothing is ever re-serialised before verification.
 */
export const SealedMessageSchema = z
  .object({
    sessionId: base64Bytes({ exact: SESSION_ID_BYTES }),
    counter: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    encrypted: z.boolean(),
    payload: base64Bytes({ max: 1 << 20 }),
    mac: base64Bytes({ exact: SESSION_MAC_BYTES }),
  })
  .strict();

export type SealedMessage = z.infer<typeof SealedMessageSchema>;

/**
 * What the host hands `dispatch()`: a command name, and either a plain `body` (commands the table
 * lets run outside a session) or a `sealed` session message carrying the body.
 */
export const ModuleRequestSchema = z
  .object({
    command: CommandNameSchema,
    body: z.unknown().optional(),
    sealed: SealedMessageSchema.optional(),
  })
  .strict();

export type ModuleRequest = z.infer<typeof ModuleRequestSchema>;

/** A refusal as it leaves the module: a catalogue code, never a stack or a secret. */
export interface ModuleFailure {
  readonly code: string;
  readonly field?: string;
  readonly detail?: string;
}
