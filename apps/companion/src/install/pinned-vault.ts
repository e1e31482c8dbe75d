import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { IndiciumError } from '@indicium/protocol';
import type { CompanionConfig } from '../config/companion-config.js';

type PinnedVault = NonNullable<CompanionConfig['vault']>;

/** A GET over TLS verified against the pinned TLS CA only (or the system roots when none is pinned). */
function get(
  url: URL,
  tlsCaPem: string | null,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        ...(tlsCaPem === null ? {} : { ca: tlsCaPem }),
        rejectUnauthorized: true,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > 64 * 1024) req.destroy(new Error('answer too large'));
          else chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Whether the pinned vault answers (`GET /healthz`) over a TLS connection that verifies against the
 * pinned CA (DESIGN §6, §7 doctor). Any HTTP answer means reachable; `reason` says why not.
 */
export async function probeVault(
  vault: PinnedVault,
  timeoutMs = 3000,
): Promise<{ reachable: boolean; reason: string }> {
  try {
    const { status } = await get(new URL('/healthz', vault.url), vault.tlsCaPem, timeoutMs);
    return { reachable: true, reason: `HTTP ${status}` };
  } catch (error) {
    return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A CA certificate's SHA-256 fingerprint, as `openssl x509 -fingerprint -sha256` prints it. */
export function caFingerprint(pem: string): string {
  return readCaCertificate(pem).fingerprint256;
}

/** Parses a PEM CA certificate: CERTIFICATE_INVALID unless it is one certificate with the CA flag. */
export function readCaCertificate(pem: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (error) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'ca',
      detail: 'not a PEM certificate',
      cause: error,
    });
  }
  if (!cert.ca)
    throw new IndiciumError('CERTIFICATE_INVALID', { field: 'ca', detail: 'not a CA certificate' });
  return cert;
}

/**
 * Fetches the postal CA from the vault (`GET /v1/ca`, DESIGN §5) and pins it only if its SHA-256
 * fingerprint equals the one the user was given out of band: trust on first use is not trust.
 * CERTIFICATE_INVALID on a mismatch, VAULT_UNREACHABLE when the vault does not answer.
 */
export async function fetchPostalCa(
  url: string,
  tlsCaPem: string | null,
  expectedFingerprint: string,
): Promise<string> {
  let answer: { status: number; body: string };
  try {
    answer = await get(new URL('/v1/ca', url), tlsCaPem, 10_000);
  } catch (error) {
    throw new IndiciumError('VAULT_UNREACHABLE', {
      detail: error instanceof Error ? error.message : '',
      cause: error,
    });
  }
  if (answer.status !== 200)
    throw new IndiciumError('VAULT_UNREACHABLE', { detail: `GET /v1/ca answered ${answer.status}` });
  const fingerprint = caFingerprint(answer.body);
  if (normalizeFingerprint(fingerprint) !== normalizeFingerprint(expectedFingerprint)) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'caFingerprint',
      detail: 'the CA the vault sent does not have the fingerprint you gave',
      details: { received: fingerprint },
    });
  }
  return answer.body;
}

function normalizeFingerprint(text: string): string {
  return text.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}
