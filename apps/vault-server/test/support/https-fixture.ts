/**
 * A real `node:https` server on 127.0.0.1 (port chosen by the OS) and a real client, for checking
 * that our certificates work in an actual TLS handshake, not only in a parser.
 */
import { createServer, request, type Server, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export async function startHttpsServer(options: ServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer(options, (req, res) => {
    const socket = req.socket as TLSSocket;
    res.setHeader('content-type', 'text/plain');
    if (options.requestCert === true && !socket.authorized) {
      // With rejectUnauthorized off, the handshake completes and OpenSSL's verdict is reported here.
      res.end(`unauthorized ${String(socket.authorizationError)}`);
      return;
    }
    const peer = socket.getPeerCertificate();
    res.end(peer?.subject?.CN === undefined ? 'hello' : `hello ${peer.subject.CN}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export async function stopHttpsServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface GetOptions {
  readonly port: number;
  /** The name the client checks the certificate against (SNI); default: the IP address. */
  readonly servername?: string;
  readonly ca?: string;
  readonly key?: string;
  readonly cert?: string;
}

/** GET / over HTTPS with a fresh connection; resolves with the body, rejects with the TLS error. */
export function httpsGet(options: GetOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: '/',
        agent: false,
        ...(options.servername === undefined ? {} : { servername: options.servername }),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.key === undefined ? {} : { key: options.key }),
        ...(options.cert === undefined ? {} : { cert: options.cert }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
