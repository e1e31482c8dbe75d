import { readFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { WEB_DIST } from './repo-paths.js';
import { runProgram } from './run-program.js';

export interface WebCopies {
  /** https://localhost:<another port>: the same web UI on an origin the extension does not allow. */
  readonly otherHttpsOrigin: string;
  /** http://localhost:<port>: the same web UI over plain HTTP. */
  readonly plainHttpOrigin: string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
};

function handler(dist: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.startsWith('/assets/') ? normalize(join(dist, path)) : join(dist, 'index.html');
    if (!file.startsWith(dist)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': `${TYPES[extname(file)] ?? 'application/octet-stream'}; charset=utf-8`,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Copies of the built web UI on origins that must NOT reach the companion (issue 7 test 3): HTTPS
 * on another port of the same host (the content script's match pattern cannot name a port, so the
 * extension's background is what refuses it) and plain HTTP (no content script at all). A
 * throwaway self-signed certificate from openssl; the browser ignores HTTPS errors.
 */
export async function serveWebCopies(workDir: string): Promise<WebCopies> {
  const key = join(workDir, 'copy.key.pem');
  const cert = join(workDir, 'copy.cert.pem');
  await runProgram('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
  ]);
  const https = createHttpsServer(
    { key: await readFile(key), cert: await readFile(cert) },
    handler(WEB_DIST),
  );
  const http = createHttpServer(handler(WEB_DIST));
  const httpsPort = await listen(https);
  const httpPort = await listen(http);
  return {
    otherHttpsOrigin: `https://localhost:${httpsPort}`,
    plainHttpOrigin: `http://localhost:${httpPort}`,
    async close() {
      https.closeAllConnections();
      http.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => https.close(resolve)),
        new Promise((resolve) => http.close(resolve)),
      ]);
    },
  };
}
