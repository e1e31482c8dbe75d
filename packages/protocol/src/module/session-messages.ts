import { z } from 'zod';
import { canonicalLayout } from '../canonical/canonical-layout.js';
import { base64Bytes } from './module-bytes.js';
import { SESSION_ID_BYTES } from './module-envelope.js';

/** X25519 public keys are 32 raw bytes (RFC 7748). */
export const X25519_PUBLIC_KEY_BYTES = 32;

/** Open Session request: the host's ephemeral X25519 public key (DESIGN §2 "Officer sessions"). */
export const OpenSessionRequestSchema = z
  .object({ hostPublicKey: base64Bytes({ exact: X25519_PUBLIC_KEY_BYTES }) })
  .strict();

/**
 * Open Session answer: the module's ephemeral half and the session id, signed by the module key
 * (ECDSA P-256, raw r‖s) over `OpenSessionLayout`, so the session is not anonymous DH: the host
 * checks the signature with the module public key it trusts (from a signed Get Status).
 */
export const OpenSessionAnswerSchema = z
  .object({
    sessionId: base64Bytes({ exact: SESSION_ID_BYTES }),
    modulePublicKey: base64Bytes({ exact: X25519_PUBLIC_KEY_BYTES }),
    signature: base64Bytes({ exact: 64 }),
  })
  .strict();

export type OpenSessionRequest = z.infer<typeof OpenSessionRequestSchema>;
export type OpenSessionAnswer = z.infer<typeof OpenSessionAnswerSchema>;

/** Binds both halves, the session id and the module serial in the module's signature. */
export const OpenSessionLayout = canonicalLayout('indicium/module/open-session/v1', {
  moduleSerial: 'text',
  sessionId: 'bytes',
  hostPublicKey: 'bytes',
  modulePublicKey: 'bytes',
});

/**
 * The HMAC-SHA-256 input of every session message. The direction stops an answer being replayed
 * as a request; the counter stops replay and reordering; the command name stops a body being
 * moved to another command; `encrypted` stops a plaintext/ciphertext confusion.
 */
export const SessionMessageLayout = canonicalLayout('indicium/module/session-message/v1', {
  sessionId: 'bytes',
  direction: 'text',
  counter: 'uint',
  command: 'text',
  encrypted: 'bool',
  payload: 'bytes',
});

export type SessionDirection = 'request' | 'answer';

/** HKDF-SHA-256 info strings (salt: the session id). Separate keys per direction. */
export const SESSION_KDF_INFO = Object.freeze({
  request: 'indicium/module/session-key/request/v1',
  answer: 'indicium/module/session-key/answer/v1',
  message: 'indicium/module/session-key/message/v1',
});
