import type { Request, Response } from 'express';
import type { WebSession } from './route.js';

/**
 * What the HTTP layer needs from web accounts to guard `session` routes (DESIGN §6): the accounts
 * part implements it; the app never reads cookies or tokens itself.
 */
export interface SessionAuthenticator {
  /** The live session named by the request's cookie, or null (none, unknown, expired). */
  authenticate(req: Request): Promise<WebSession | null>;
  /** Whether `token` is the CSRF token bound to this session (constant-time). */
  checkCsrf(session: WebSession, token: string | undefined): boolean;
  /** Clears the session cookie on an answer (an expired session's cookie is useless). */
  clearCookie(res: Response): void;
}

/** The header a browser sends the CSRF token in (the page reads it from the session answer). */
export const CSRF_HEADER = 'x-csrf-token';
