import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Cookie names with the `__Host-` prefix: the browser keeps them only if Secure, Path=/ and no
 * Domain, so a sibling subdomain cannot plant or shadow them. */
export const SESSION_COOKIE = '__Host-indicium-session';
export const CSRF_COOKIE = '__Host-indicium-csrf';

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** A fresh session id: 32 random bytes, base64url (what the cookie carries). */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function isSessionIdShape(value: string): boolean {
  return SESSION_ID.test(value);
}

/**
 * The stored form of a session id: an HMAC under the server's session key, so a reader of the
 * database (or of a backup) learns no cookie that would let them ride a session.
 */
export function hashSessionId(key: Buffer, sessionId: string): Uint8Array {
  return createHmac('sha256', key).update('indicium/web/session-id/v1\0').update(sessionId).digest();
}

/** The stored form of a CSRF token (the store keeps only hashes). */
export function hashCsrfToken(token: string): Uint8Array {
  return createHash('sha256').update('indicium/web/csrf-token-hash/v1\0').update(token).digest();
}

/**
 * The CSRF token bound to a session (OWASP "signed double-submit"): an HMAC of the session id, so
 * a token from another session, or one an attacker planted in a cookie, never matches.
 */
export function csrfTokenFor(key: Buffer, sessionId: string): string {
  return createHmac('sha256', key)
    .update('indicium/web/csrf-token/v1\0')
    .update(sessionId)
    .digest('base64url');
}

/** Whether a presented token is the one stored (by hash) with the session, in constant time. */
export function csrfTokenMatches(storedHash: Uint8Array, token: string | undefined): boolean {
  if (token === undefined || token.length > 64) return false;
  const given = hashCsrfToken(token);
  return given.length === storedHash.length && timingSafeEqual(given, storedHash);
}

/** Reads one cookie's value from a Cookie header (first occurrence wins; no decoding needed for
 * our base64url values, and anything else is simply not ours). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
