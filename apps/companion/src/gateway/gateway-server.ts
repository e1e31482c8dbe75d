import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  GATEWAY_PATHS,
  IndiciumError,
  PairingNonceRequestSchema,
  PairingStartRequestSchema,
  PROTOCOL_VERSION,
  RequestIdSchema,
  toWireError,
} from '@indicium/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { VaultClient } from '../calls/vault-client.js';
import { type CompanionConfig, emptyConfig, ensureDataDir, readConfig } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { gatewayPaths } from './gateway-paths.js';
import { GatewaySessions } from './gateway-sessions.js';
import { OfficeLog } from './office-log.js';
import { pairingCode, pairingCommitment } from './pairing-code.js';
import { PairingStore } from './pairing-store.js';
import { certificateFingerprint, loadOrCreateTlsIdentity } from './tls-identity.js';

/** Requests to the gateway are small (a page call); a larger body is refused unread. */
const MAX_REQUEST_BYTES = 64 * 1024;

export interface GatewayOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly vault: VaultClient;
  readonly logger: Logger;
  /** Shown to the operator when an interface machine asks to pair (the gateway's screen). */
  readonly onPairingCode: (pairing: { pairingId: string; name: string; user: string; code: string }) => void;
}

export interface RunningGateway {
  readonly port: number;
  /** SHA-256 of the gateway's certificate, which interfaces pin at pairing. */
  readonly fingerprint: string;
  close(): Promise<void>;
}

/**
 * `companion gateway` (DESIGN §9): an HTTPS server on the office network with its own
 * self-signed certificate, asking every client for a certificate. Pairing (two steps, numeric
 * comparison with a committed nonce) binds an interface machine's certificate to one meter user;
 * after the operator confirms the code, that machine's page calls run here for its user only.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const paths = companionPaths(options.dataDir);
  await ensureDataDir(paths.dataDir);
  const gp = gatewayPaths(paths.dataDir);
  const config: CompanionConfig = (await readConfig(paths.config)) ?? emptyConfig();
  const identity = await loadOrCreateTlsIdentity(gp.tls, `Indicium gateway ${hostname()}`.slice(0, 60));
  await mkdir(dirname(gp.userSecrets('x', 'x')), { recursive: true, mode: 0o700 });
  const store = new PairingStore(gp.pairings);
  const sessions = new GatewaySessions({ paths, gatewayPaths: gp, config, vault: options.vault });
  const officeLog = new OfficeLog(gp.officeLog);
  const log = options.logger;

  const routes: Record<string, (peer: PeerCertificate, body: unknown) => Promise<unknown>> = {
    [GATEWAY_PATHS.pairingStart]: async (peer, body) => {
      const request = parse(PairingStartRequestSchema, body);
      const gatewayNonce = randomBytes(32);
      const record = await store.addPending({
        name: request.name,
        user: request.user,
        certificateFingerprint: peer.fingerprint,
        gatewayNonce,
      });
      log.info({ pairingId: record.pairingId, name: request.name }, 'pairing requested');
      return {
        protocol: PROTOCOL_VERSION,
        pairingId: record.pairingId,
        gatewayCommitment: Buffer.from(pairingCommitment(record.pairingId, gatewayNonce)).toString('base64'),
      };
    },
    [GATEWAY_PATHS.pairingNonce]: async (peer, body) => {
      const request = parse(PairingNonceRequestSchema, body);
      const record = await store.pendingFor(request.pairingId, peer.fingerprint);
      const gatewayNonce = Buffer.from(record.gatewayNonce, 'base64');
      const code = pairingCode({
        pairingId: record.pairingId,
        gatewayCertificate: identity.certDer,
        interfaceCertificate: peer.der,
        gatewayNonce,
        interfaceNonce: Buffer.from(request.interfaceNonce, 'base64'),
        name: record.name,
        meterId: record.user.meterId,
        userId: record.user.userId,
      });
      await store.setCode(record.pairingId, code);
      options.onPairingCode({
        pairingId: record.pairingId,
        name: record.name,
        user: `${record.user.userId}@${record.user.meterId}`,
        code,
      });
      return {
        protocol: PROTOCOL_VERSION,
        pairingId: record.pairingId,
        gatewayNonce: gatewayNonce.toString('base64'),
      };
    },
    [GATEWAY_PATHS.call]: async (peer, body) => {
      const requestId = readRequestId(body);
      try {
        const pairing = await store.authorize(peer.fingerprint);
        return await sessions.serve(pairing, body, officeLog);
      } catch (error) {
        if (requestId === null) throw error;
        return {
          protocol: PROTOCOL_VERSION,
          requestId,
          kind: 'error',
          error: wireError(error, log, requestId),
        };
      }
    },
  };

  const server = createServer(
    {
      key: identity.keyPem,
      cert: identity.certPem,
      // Every client must show a certificate; which ones are trusted is the pairing list's call,
      // not a CA's, so OpenSSL's chain check is off and the fingerprint is checked per request.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    },
    (req, res) => {
      void handle(req, res);
    },
  );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
      if (route === undefined) throw new IndiciumError('MALFORMED_REQUEST', { field: 'path' });
      const peer = peerCertificate(req);
      const body = await readJson(req);
      send(res, 200, await route(peer, body));
    } catch (error) {
      const wire = wireError(error, log, null);
      send(res, wire.code === 'INTERNAL_ERROR' ? 500 : 400, { protocol: PROTOCOL_VERSION, error: wire });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, fingerprint: identity.fingerprint }, 'gateway listening');
  return {
    port,
    fingerprint: identity.fingerprint,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      sessions.lockAll();
    },
  };
}

interface PeerCertificate {
  readonly der: Uint8Array;
  readonly fingerprint: string;
}

/** The client certificate from the TLS handshake: without one nobody is paired (PAIRING_REQUIRED). */
function peerCertificate(req: IncomingMessage): PeerCertificate {
  const certificate = (req.socket as TLSSocket).getPeerCertificate();
  if (certificate === null || certificate.raw === undefined || certificate.raw.length === 0) {
    throw new IndiciumError('PAIRING_REQUIRED', { field: 'tls', detail: 'no client certificate was shown' });
  }
  const der = new Uint8Array(certificate.raw);
  return { der, fingerprint: certificateFingerprint(der) };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.map(String).join('.') || 'body';
    throw new IndiciumError('MALFORMED_REQUEST', { field });
  }
  return parsed.data;
}

function readRequestId(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const parsed = RequestIdSchema.safeParse((body as Record<string, unknown>).requestId);
  return parsed.success ? parsed.data : null;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES)
      throw new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: 'too large' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: 'not JSON' });
  }
}

function wireError(error: unknown, log: Logger, requestId: string | null) {
  const errorId = randomUUID();
  if (error instanceof IndiciumError && error.code !== 'INTERNAL_ERROR') {
    log.warn({ requestId, code: error.code, field: error.field }, 'refused');
  } else {
    log.error({ requestId, errorId, err: error }, 'internal error');
  }
  return toWireError(error, errorId);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
