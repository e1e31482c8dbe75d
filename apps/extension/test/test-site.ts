import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { selfSignedTls } from './self-signed-tls.js';

/** Bundles the page client for the test pages (as the web UI's own build would). */
async function pageClientScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page-client.entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['@indicium/source'],
    logLevel: 'warning',
  });
  return result.outputFiles[0]?.text ?? '';
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Indicium test page</title>
<script src="/page-client.js"></script></head><body><h1>Indicium test page</h1></body></html>`;
const FRAME_HOST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frame host</title>
<script src="/page-client.js"></script></head><body><iframe id="inner" title="inner" src="/"></iframe></body></html>`;

function handler(script: string) {
  return (request: { url?: string | undefined }, response: import('node:http').ServerResponse) => {
    const path = new URL(request.url ?? '/', 'https://localhost').pathname;
    const body = path === '/page-client.js' ? script : path === '/frame-host' ? FRAME_HOST : PAGE;
    const type = path === '/page-client.js' ? 'text/javascript' : 'text/html';
    response.writeHead(path === '/' || path === '/frame-host' || path === '/page-client.js' ? 200 : 404, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    response.end(body);
  };
}

export interface TestSite {
  /** https://localhost:<port>, the allow-listed origin. */
  readonly allowed: string;
  /** https://localhost:<other port>: same host, other port, not allow-listed. */
  readonly otherPort: string;
  /** https://127.0.0.1:<port>: a host the content script never runs on (no extension there). */
  readonly noExtension: string;
  /** http://localhost:<port>: plain http, never served by the extension. */
  readonly plainHttp: string;
  close(): Promise<void>;
}

/**
 * Serves the test page over HTTPS (a throwaway self-signed certificate) on two ports, and
 * over plain HTTP on a third. Each server listens on port 0 (the system picks a free port).
 */
export async function startTestSite(tlsDir: string): Promise<TestSite> {
  const tls = await selfSignedTls(tlsDir);
  const script = await pageClientScript();
  const listen = async (server: Server): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const allowedServer = createHttpsServer({ key: tls.key, cert: tls.cert }, handler(script));
  const otherServer = createHttpsServer({ key: tls.key, cert: tls.cert }, handler(script));
  const httpServer = createHttpServer(handler(script));
  const allowedPort = await listen(allowedServer);
  const otherPort = await listen(otherServer);
  const httpPort = await listen(httpServer);
  const servers = [allowedServer, otherServer, httpServer];
  return {
    allowed: `https://localhost:${allowedPort}`,
    otherPort: `https://localhost:${otherPort}`,
    noExtension: `https://127.0.0.1:${allowedPort}`,
    plainHttp: `http://localhost:${httpPort}`,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
