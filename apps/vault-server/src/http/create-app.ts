import { type ErrorCode, IndiciumError } from '@indicium/protocol';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { isLoopbackAddress } from '../officers/is-loopback-address.js';
import type { VaultMetrics } from '../ops/create-metrics.js';
import { createErrorMiddleware } from './error-middleware.js';
import { assertSameOrigin, STATE_CHANGING } from './origin-guard.js';
import type { Route, RouteAnswer, RouteAuth, WebSession } from './route.js';
import { securityHeaders } from './security-headers.js';
import { CSRF_HEADER, type SessionAuthenticator } from './session-authenticator.js';
import { validate } from './validate.js';

/** JSON bodies above this are refused with REQUEST_TOO_LARGE (413): no protocol body comes close. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** A sub-router mounted whole (the pool's officer router), guarded like a route. */
export interface RouterMount {
  readonly path: string;
  readonly auth: Extract<RouteAuth, 'local' | 'public'>;
  readonly router: RequestHandler;
  /** The code a non-local peer gets (the officer endpoint says OFFICER_LOCAL_ONLY). Default ROLE_DENIED. */
  readonly localRefusal?: ErrorCode;
}

export interface AppDeps {
  readonly routes: readonly Route[];
  readonly mounts?: readonly RouterMount[];
  readonly sessions: SessionAuthenticator;
  readonly metrics: VaultMetrics;
  readonly log: Logger;
  readonly extraOrigins: readonly string[];
  /** True once shutdown began: answers carry `Connection: close` so keep-alive clients leave. */
  readonly isDraining: () => boolean;
  readonly bodyLimitBytes?: number;
  /** The built web UI (DESIGN §8), served after the API routes; absent: the API alone. */
  readonly webApp?: RequestHandler | null;
}

type Handler = (req: Request, res: Response, next: NextFunction) => void;

/** Runs an async guard, then the next step; any throw goes to the error middleware. */
function step(run: (req: Request, res: Response) => Promise<void> | void): Handler {
  return (req, res, next) => {
    Promise.resolve()
      .then(() => run(req, res))
      .then(() => next(), next);
  };
}

/** Runs the last step, which answers itself: only a throw goes on (to the error middleware). */
function last(run: (req: Request, res: Response) => Promise<void>): Handler {
  return (req, res, next) => {
    run(req, res).catch(next);
  };
}

function localOnly(req: Request, code: ErrorCode = 'ROLE_DENIED'): void {
  // The socket's peer, never X-Forwarded-For: a header is whatever the caller writes.
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    throw new IndiciumError(code, { field: 'origin', details: { reason: 'not-local' } });
  }
}

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return (length !== undefined && length !== '0') || req.get('transfer-encoding') !== undefined;
}

/** Strict `Content-Type`: JSON (UTF-8) or nothing; a route without a body schema takes no body. */
function contentTypeGuard(route: Route): Handler {
  return step((req) => {
    if (!hasBody(req)) {
      if (route.body !== undefined)
        throw new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: 'A JSON body is required.' });
      return;
    }
    if (route.body === undefined) {
      throw new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: 'This route takes no body.' });
    }
    const type = req.get('content-type') ?? '';
    if (!/^application\/json\s*(?:;\s*charset=utf-8\s*)?$/i.test(type)) {
      throw new IndiciumError('UNSUPPORTED_MEDIA_TYPE', { field: 'content-type' });
    }
  });
}

function send(res: Response, answer: RouteAnswer): void {
  if ('json' in answer) {
    res.status(answer.status ?? 200).json(answer.json);
  } else if ('text' in answer) {
    res
      .status(answer.status ?? 200)
      .type(answer.contentType)
      .send(answer.text);
  } else {
    res.status(204).end();
  }
}

/**
 * Builds the Express app from the route table (DESIGN §6): security headers, metrics, per-route
 * guards in a fixed order — auth (local / session), Origin and CSRF on state-changing requests,
 * strict content type, a size-limited JSON parser, schema validation — then the handler; a JSON
 * 404 for anything else; the one error middleware last.
 *
 * @example
 * const app = createApp({ routes: [...publicRoutes, ...accountRoutes], sessions, metrics, log, extraOrigins: [], isDraining });
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(securityHeaders());
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    if (deps.isDraining()) res.set('Connection', 'close');
    res.set('Cache-Control', 'no-store');
    res.on('finish', () => {
      const labels = {
        method: req.method,
        route: typeof res.locals.routePattern === 'string' ? res.locals.routePattern : 'unmatched',
        status: String(res.statusCode),
      };
      deps.metrics.httpRequests.inc(labels);
      deps.metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
  const json = express.json({
    limit: deps.bodyLimitBytes ?? BODY_LIMIT_BYTES,
    strict: true,
    type: () => true,
  });
  const log = deps.log;

  for (const mount of deps.mounts ?? []) {
    app.use(
      mount.path,
      (_req, res, next) => {
        res.locals.routePattern = `${mount.path}/*`;
        next();
      },
      step((req) => {
        if (mount.auth === 'local') localOnly(req, mount.localRefusal);
      }),
      mount.router,
    );
  }

  for (const route of deps.routes) {
    const guards: Handler[] = [
      (_req, res, next) => {
        res.locals.routePattern = route.path;
        next();
      },
      step(async (req, res) => {
        if (route.auth === 'local') localOnly(req);
        const changing = STATE_CHANGING.has(req.method);
        if (changing) assertSameOrigin(req, deps.extraOrigins, { requireOrigin: route.auth === 'session' });
        if (route.auth !== 'session') return;
        const session = await deps.sessions.authenticate(req);
        if (session === null) {
          deps.sessions.clearCookie(res);
          throw new IndiciumError('WEB_SESSION_EXPIRED');
        }
        if (changing && !deps.sessions.checkCsrf(session, req.get(CSRF_HEADER))) {
          throw new IndiciumError('CSRF_REJECTED', { field: CSRF_HEADER, details: { reason: 'token' } });
        }
        res.locals.session = session;
      }),
      contentTypeGuard(route),
    ];
    if (route.body !== undefined) guards.push(json);
    guards.push(
      last(async (req, res) => {
        const answer = await route.handler({
          body: route.body === undefined ? undefined : validate(route.body, req.body, 'body'),
          query: route.query === undefined ? undefined : validate(route.query, { ...req.query }, 'query'),
          params:
            route.params === undefined ? undefined : validate(route.params, { ...req.params }, 'params'),
          session: (res.locals.session as WebSession | undefined) ?? null,
          log,
          clientIp: req.socket.remoteAddress ?? 'unknown',
          res,
          req,
        });
        send(res, answer);
      }),
    );
    app[route.method](route.path, ...guards);
  }

  if (deps.webApp !== undefined && deps.webApp !== null) app.use(deps.webApp);
  app.use((req) => {
    throw new IndiciumError('NOT_FOUND', { field: 'path', details: { method: req.method } });
  });
  app.use(createErrorMiddleware(log.child({ component: 'http' })));
  return app;
}
