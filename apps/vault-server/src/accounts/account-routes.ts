import { LoginRequestSchema, SessionAnswerSchema, SignUpRequestSchema, WEB_PATHS } from '@indicium/protocol';
import type { Route, WebSession } from '../http/route.js';
import { defineRoute } from '../http/route.js';
import type { AccountService } from './account-service.js';
import { clearSessionCookies, setSessionCookies } from './create-session-authenticator.js';

function session(context: { readonly session: WebSession | null }): WebSession {
  // createApp sets the session on every `session` route before the handler runs.
  if (context.session === null) throw new TypeError('account route without a session');
  return context.session;
}

/**
 * The web-account routes (DESIGN §6): sign-up, login, logout, me. The integrator adds balance,
 * history, buy postage and refund request as more rows with `auth: 'session'`; the session (and
 * so the customer id) reaches their handlers as `context.session`.
 */
export function accountRoutes(deps: {
  readonly service: AccountService;
  readonly sessionKey: Buffer;
}): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: WEB_PATHS.signUp,
      auth: 'public',
      tag: 'account',
      summary: 'Create a web account and log in',
      body: SignUpRequestSchema,
      answer: { status: 201, schema: SessionAnswerSchema },
      errors: ['ACCOUNT_EXISTS'],
      handler: async ({ body, res }) => {
        const opened = await deps.service.signUp(body);
        setSessionCookies(res, deps.sessionKey, opened.sessionId, opened.expiresAt);
        return { status: 201, json: opened.answer };
      },
    }),
    defineRoute({
      method: 'post',
      path: WEB_PATHS.login,
      auth: 'public',
      tag: 'account',
      summary: 'Log in (a new session each time)',
      body: LoginRequestSchema,
      answer: { status: 200, schema: SessionAnswerSchema },
      errors: ['LOGON_FAILED', 'TOO_MANY_ATTEMPTS'],
      handler: async ({ body, res, clientIp }) => {
        const opened = await deps.service.login(body, clientIp);
        setSessionCookies(res, deps.sessionKey, opened.sessionId, opened.expiresAt);
        return { json: opened.answer };
      },
    }),
    defineRoute({
      method: 'post',
      path: WEB_PATHS.logout,
      auth: 'session',
      tag: 'account',
      summary: 'Log out (ends this session)',
      answer: { status: 204 },
      handler: async (context) => {
        await deps.service.logout(session(context).sessionId);
        clearSessionCookies(context.res);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: WEB_PATHS.customer,
      auth: 'session',
      tag: 'account',
      summary: 'The logged-in customer and the CSRF token of this session',
      answer: { status: 200, schema: SessionAnswerSchema },
      handler: async (context) => {
        const { sessionId, customerId } = session(context);
        return { json: await deps.service.me(sessionId, customerId) };
      },
    }),
  ];
}
