import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * Who may call a route (DESIGN §6): anyone; a logged-in web account (cookie + CSRF token on every
 * state-changing request); or the local machine only (the officer endpoint).
 */
export type RouteAuth = 'public' | 'session' | 'local';
export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The web session a `session` route runs under (resolved from the cookie by the authenticator). */
export interface WebSession {
  readonly sessionId: string;
  readonly customerId: string;
  readonly expiresAt: Date;
  /** Hash of the CSRF token bound to this session. */
  readonly csrfTokenHash: Uint8Array;
}

/** What a handler sees: typed, validated inputs only, never the raw request body. */
export interface RouteContext<Body, Query, Params> {
  readonly body: Body;
  readonly query: Query;
  readonly params: Params;
  /** Non-null exactly on `session` routes. */
  readonly session: WebSession | null;
  readonly log: Logger;
  /** The client address (for throttling and audit). */
  readonly clientIp: string;
  /** For response headers and cookies only; the status and body come from the returned answer. */
  readonly res: Response;
  readonly req: Request;
}

/** A handler's answer: JSON (default status 200), text (PEM), or nothing (204). */
export type RouteAnswer =
  | { readonly status?: number; readonly json: unknown }
  | { readonly status?: number; readonly text: string; readonly contentType: string }
  | { readonly status: 204 };

/** One row of the route table: everything the app and the OpenAPI document need to know. */
export interface Route {
  readonly method: RouteMethod;
  /** Express pattern (`/v1/certificates/:serial`); OpenAPI shows it as `{serial}`. */
  readonly path: string;
  readonly auth: RouteAuth;
  readonly summary: string;
  readonly tag: string;
  /** The body schema; absent means the route takes no body (one sent anyway is refused). */
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly params?: z.ZodType;
  /** Success answer, for the OpenAPI document: a JSON schema, or a text media type. */
  readonly answer:
    | { readonly status: number; readonly schema: z.ZodType }
    | { readonly status: number; readonly text: string }
    | { readonly status: 204 };
  /** Error codes this route may answer, besides the generic ones, for the OpenAPI document. */
  readonly errors?: readonly string[];
  readonly handler: (context: RouteContext<unknown, unknown, unknown>) => Promise<RouteAnswer>;
}

/**
 * Declares a route with its handler typed from its schemas (STYLE "The command table is data":
 * routes are rows, as Unleash registers `{method, path, permission, handler}`).
 *
 * @example
 * defineRoute({
 *   method: 'post', path: '/v1/verify', auth: 'public', tag: 'public', summary: 'Verify an indicium',
 *   body: VerifyRequestSchema, answer: { status: 200, schema: VerifyAnswerSchema },
 *   handler: async ({ body }) => ({ json: await verify(body) }),
 * });
 */
export function defineRoute<
  B extends z.ZodType = z.ZodNever,
  Q extends z.ZodType = z.ZodNever,
  P extends z.ZodType = z.ZodNever,
>(
  route: Omit<Route, 'handler' | 'body' | 'query' | 'params'> & {
    readonly body?: B;
    readonly query?: Q;
    readonly params?: P;
    readonly handler: (context: RouteContext<z.output<B>, z.output<Q>, z.output<P>>) => Promise<RouteAnswer>;
  },
): Route {
  return Object.freeze({
    ...route,
    handler: route.handler as Route['handler'],
  });
}
