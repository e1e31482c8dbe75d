import { Agent, request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type {
  HttpAnswer,
  RequestOptions,
  VaultProcess,
} from '../apps/vault-server/src/http/testing/vault-process.js';

/**
 * The same vault seen through one simulated companion's own HTTPS connection, kept alive between
 * requests (one socket, so requests from one companion never overlap, as the protocol's one
 * round trip per indicium has it). The test helper opens a fresh TLS connection per request
 * (`agent: false`); under load that measures TLS handshakes, not the value path, so the benchmark
 * keeps connections unless `--handshake-per-request` asks for the helper's behaviour.
 */
export function keepAliveVault(vault: VaultProcess): VaultProcess & { close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: vault.devCaPem });
  function request(method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    const payload =
      options.raw ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
    const headers: Record<string, string> = {
      ...(payload === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: 'localhost', port: vault.port, method, path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          const tlsProtocol = (res.socket as TLSSocket).getProtocol?.() ?? null;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              tlsProtocol,
              json: <T>() => JSON.parse(text) as T,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  return { ...vault, request, close: () => agent.destroy() };
}
