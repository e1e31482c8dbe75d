import type { Request, Response } from 'express';
import type { WebSession } from '../http/route.js';
import type { SessionAuthenticator } from '../http/session-authenticator.js';
import type { AccountsStore } from './accounts-store.js';
import {
  CSRF_COOKIE,
  csrfTokenFor,
  csrfTokenMatches,
  hashSessionId,
  isSessionIdShape,
  readCookie,
  SESSION_COOKIE,
} from './session-tokens.js';

const COOKIE_BASE = { secure: true, sameSite: 'strict', path: '/' } as const;

/** Sets the session cookie (httpOnly) and the CSRF cookie (readable by our page, for reloads). */
export function setSessionCookies(
  res: Response,
  sessionKey: Buffer,
  sessionId: string,
  expiresAt: Date,
): void {
  res.cookie(SESSION_COOKIE, sessionId, { ...COOKIE_BASE, httpOnly: true, expires: expiresAt });
  res.cookie(CSRF_COOKIE, csrfTokenFor(sessionKey, sessionId), {
    ...COOKIE_BASE,
    httpOnly: false,
    expires: expiresAt,
  });
}

export function clearSessionCookies(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { ...COOKIE_BASE, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, { ...COOKIE_BASE, httpOnly: false });
}

/**
 * Resolves the `__Host-indicium-session` cookie to a live session (DESIGN §6): looks it up by its
 * HMAC, refuses expired ones (and deletes them), and checks CSRF tokens against the session.
 *
 * @example
 * const sessions = createSessionAuthenticator({ store, sessionKey });
 * createApp({ routes, sessions, … });
 */
export function createSessionAuthenticator(deps: {
  readonly store: AccountsStore;
  readonly sessionKey: Buffer;
  readonly now?: () => number;
}): SessionAuthenticator {
  const now = deps.now ?? Date.now;
  return {
    async authenticate(req: Request): Promise<WebSession | null> {
      const sessionId = readCookie(req.get('cookie'), SESSION_COOKIE);
      if (sessionId === undefined || !isSessionIdShape(sessionId)) return null;
      const sessionHash = hashSessionId(deps.sessionKey, sessionId);
      // The store returns only a session that has not expired at this instant.
      const record = await deps.store.sessions.find(sessionHash, now());
      if (record === null) return null;
      return {
        sessionId,
        customerId: record.customerId,
        expiresAt: new Date(record.expiresAtMs),
        csrfTokenHash: record.csrfTokenHash,
      };
    },
    checkCsrf(session, token) {
      return csrfTokenMatches(session.csrfTokenHash, token);
    },
    clearCookie: clearSessionCookies,
  };
}
