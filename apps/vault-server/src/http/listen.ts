import { createServer, type Server } from 'node:https';
import type { Express } from 'express';
import type { ServerTls } from './load-tls.js';

/**
 * The vault's HTTPS server (DESIGN §6: HTTPS only; there is no plain-HTTP listener at all). TLS 1.2
 * at least; time-outs bound how long a slow client can hold a connection (slowloris).
 */
export function createHttpsServer(app: Express, tls: ServerTls): Server {
  const server = createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

/** Listens and resolves with the port actually bound (the configured one, or a free one for 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
