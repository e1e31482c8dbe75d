import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fromWireError, GATEWAY_MAX_BODY_BYTES, IndiciumError } from '@indicium/protocol';
import type { z } from 'zod';
import { certificateFingerprint, type TlsIdentity } from '../gateway/tls-identity.js';

export interface GatewayAddress {
  readonly host: string;
  readonly port: number;
}

/** The gateway certificate this client trusts, and nothing else (no CA, no host name). */
export interface GatewayPin {
  readonly fingerprint: string;
  readonly certPem: string;
}

export interface GatewayPost<T> {
  readonly answer: T;
  /** The gateway's certificate as the TLS handshake showed it (what pairing hashes and pins). */
  readonly gatewayCertificate: Uint8Array;
}

/**
 * One HTTPS request to the office gateway over mutual TLS (DESIGN §9): this machine's own
 * certificate as the client identity; the gateway's certificate pinned by fingerprint (or, while
 * pairing only, recorded for the code). Each call has a time-out. Outcomes are typed:
 * GATEWAY_UNREACHABLE (no answer; `details.sent`, `details.reason`), CERTIFICATE_INVALID with field
 * `tls` (not the pinned gateway: nothing sent), the gateway's own refusals rebuilt from its wire
 * error, INVALID_FIELD (field `answer…`) for an answer that is not the protocol's.
 */
export async function postToGateway<S extends z.ZodType>(
  address: GatewayAddress,
  identity: TlsIdentity,
  pin: GatewayPin | null,
  path: string,
  body: unknown,
  answerSchema: S,
  timeoutMs: number,
): Promise<GatewayPost<z.infer<S>>> {
  const payload = Buffer.from(JSON.stringify(body));
  const { res, text } = await new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
    let sent = false;
    let settled = false;
    const fail = (error: IndiciumError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = httpsRequest({
      host: address.host,
      port: address.port,
      method: 'POST',
      path,
      agent: false,
      key: identity.keyPem,
      cert: identity.certPem,
      minVersion: 'TLSv1.3',
      headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
      ...(pin === null
        ? { rejectUnauthorized: false }
        : {
            // Trust exactly the pinned certificate: it is its own trust anchor, and the fingerprint
            // check stands in for the host name (an office LAN address changes; the pin does not).
            ca: pin.certPem,
            rejectUnauthorized: true,
            checkServerIdentity: (_host: string, certificate: { raw: Buffer }) =>
              certificateFingerprint(certificate.raw) === pin.fingerprint ? undefined : pinMismatch(),
          }),
    });
    const timer = setTimeout(
      () =>
        fail(
          new IndiciumError('GATEWAY_UNREACHABLE', {
            detail: `no answer within ${timeoutMs} ms`,
            details: { sent, reason: 'timeout' },
          }),
        ),
      timeoutMs,
    );
    req.on('socket', (socket) => socket.on('secureConnect', () => (sent = true)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (isCertificateError(error)) {
        fail(
          new IndiciumError('CERTIFICATE_INVALID', {
            field: 'tls',
            detail: 'this is not the paired gateway',
            details: { sent: false },
          }),
        );
        return;
      }
      fail(new IndiciumError('GATEWAY_UNREACHABLE', { details: { sent, reason: error.code ?? 'network' } }));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > GATEWAY_MAX_BODY_BYTES) {
          fail(new IndiciumError('INVALID_FIELD', { field: 'answer', detail: 'the answer is too large' }));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ res, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () =>
        fail(new IndiciumError('GATEWAY_UNREACHABLE', { details: { sent: true, reason: 'cut' } })),
      );
    });
    req.end(payload);
  });
  const raw = (res.socket as TLSSocket | null)?.getPeerCertificate?.()?.raw;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IndiciumError('INVALID_FIELD', { field: 'answer', detail: 'the gateway did not answer JSON' });
  }
  if (res.statusCode !== 200) throw fromWireError((json as { error?: unknown }).error);
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.map(String).join('.');
    throw new IndiciumError('INVALID_FIELD', { field: where ? `answer.${where}` : 'answer' });
  }
  return {
    answer: parsed.data,
    gatewayCertificate: raw === undefined ? new Uint8Array() : new Uint8Array(raw),
  };
}

/** The gateway's certificate as PEM, from the DER the handshake showed. */
export function certificatePem(der: Uint8Array): string {
  return new X509Certificate(der).toString();
}

function pinMismatch(): Error {
  return Object.assign(new Error('the gateway certificate is not the pinned one'), {
    code: 'GATEWAY_PIN_MISMATCH',
  });
}

function isCertificateError(error: NodeJS.ErrnoException): boolean {
  return /PIN_MISMATCH|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT/.test(error.code ?? '');
}
