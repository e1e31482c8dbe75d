import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/** Paths that belong to the API and operations, never to the web app's client routes. */
const API_PREFIXES = ['/v1/', '/healthz', '/readyz', '/metrics', '/openapi'];

function isClientRoute(path: string): boolean {
  return !API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
}

/**
 * Serves the built web UI (`apps/web/dist`, DESIGN §8) from the vault's own origin, under the CSP
 * the security headers set (scripts and styles only from 'self', nothing inline). Hashed files in
 * `assets/` are immutable and cached; `index.html` is never cached, so a new build is picked up at
 * once. A GET for any other path that is not the API's and asks for HTML (a browser navigation) gets `index.html` (the
 * app's client routes: /print, /history, …); everything else falls through to the JSON 404.
 *
 * Whether there is a build is checked on each request, not at start: a vault started before
 * `npm run build -w @indicium/web` serves the UI as soon as the build lands, and the API alone
 * (the JSON 404) until then.
 */
export function serveWebApp(distDir: string): Router {
  const index = join(distDir, 'index.html');
  const router = express.Router();
  router.use(
    '/assets',
    express.static(join(distDir, 'assets'), {
      index: false,
      fallthrough: true,
      redirect: false,
      setHeaders: (res) => res.set('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );
  const sendIndex: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isClientRoute(req.path)) return next();
    // Only a browser navigation (Accept names text/html) gets the app: a program's GET of a wrong
    // path, which sends no such Accept, keeps its JSON 404.
    const wantsHtml = (req.get('accept') ?? '').includes('text/html');
    if (req.path.startsWith('/assets/') || !wantsHtml || !existsSync(index)) return next();
    res.sendFile(index, { headers: { 'Cache-Control': 'no-store' } }, (error) => {
      if (error !== undefined && !res.headersSent) next(error);
    });
  };
  router.use(sendIndex);
  return router;
}
