import { request as httpsRequest } from 'node:https';
import { fromWireError, IndiciumError, VaultErrorBodySchema } from '@indicium/protocol';
import type { z } from 'zod';

/** The vault the install pinned (DESIGN §4.2, §6): its URL and the CA its TLS certificate chains to. */
export interface VaultEndpoint {
  readonly url: string;
  /** PEM of the vault's TLS CA; null: the system's roots. */
  readonly tlsCaPem: string | null;
}

export interface VaultHttpOptions {
  /** No answer within this long is VAULT_UNREACHABLE (a slow commit is still well inside it). */
  readonly timeoutMs?: number;
  /** Tries when the vault says VAULT_BUSY (429/503), with its Retry-After or a doubling pause. */
  readonly busyAttempts?: number;
  readonly busyPauseMs?: number;
}

const MAX_ANSWER_BYTES = 256 * 1024;

/** TLS failures that mean "not the vault we pinned", as opposed to "no vault there". */
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Errors that are the vault's own answer (a wire error body): it refused, so it changed nothing. */
const refusals = new WeakSet<IndiciumError>();

/** Whether `error` is a refusal the vault sent, as opposed to no answer or an answer we refused. */
export function isVaultRefusal(error: unknown): error is IndiciumError {
  return error instanceof IndiciumError && refusals.has(error);
}

interface RawAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/**
 * The companion's HTTPS to the vault: TLS verified against the pinned CA only (never the system
 * roots when one is pinned), a time-out on every call, answers size-limited, and one error shape:
 * VAULT_UNREACHABLE (no answer: the request may or may not have arrived — see `details.sent`),
 * CERTIFICATE_INVALID (field `tls`: the server is not the pinned vault), VAULT_BUSY after the
 * retries, the vault's own refusals rebuilt with `fromWireError`, and INVALID_FIELD (field
 * `answer.…`) for an answer that does not match its protocol schema.
 */
export class VaultHttp {
  readonly #endpoint: VaultEndpoint;
  readonly #timeoutMs: number;
  readonly #busyAttempts: number;
  readonly #busyPauseMs: number;

  constructor(endpoint: VaultEndpoint, options: VaultHttpOptions = {}) {
    this.#endpoint = endpoint;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#busyAttempts = options.busyAttempts ?? 4;
    this.#busyPauseMs = options.busyPauseMs ?? 500;
  }

  /** GET a text resource (PEM); NOT_FOUND and other refusals as the vault's codes. */
  async getText(path: string): Promise<string> {
    const answer = await this.#withBusyRetry(() => this.#send('GET', path, undefined));
    return answer.body;
  }

  async getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    return parseAnswer(schema, (await this.#withBusyRetry(() => this.#send('GET', path, undefined))).body);
  }

  /** POST a JSON body; the same body may be sent again after a failure in transit (idempotent routes). */
  async postJson<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const text = JSON.stringify(body);
    return parseAnswer(schema, (await this.#withBusyRetry(() => this.#send('POST', path, text))).body);
  }

  /** Whether the vault answers `/healthz` over the pinned TLS. */
  async reachable(): Promise<boolean> {
    try {
      await this.#send('GET', '/healthz', undefined);
      return true;
    } catch (error) {
      return error instanceof IndiciumError && error.code !== 'VAULT_UNREACHABLE' && error.field !== 'tls';
    }
  }

  async #withBusyRetry(send: () => Promise<RawAnswer>): Promise<RawAnswer> {
    let pause = this.#busyPauseMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        const busy = error instanceof IndiciumError && error.code === 'VAULT_BUSY';
        if (!busy || attempt >= this.#busyAttempts) throw error;
        const hinted = Number(error.details?.retryAfterSeconds);
        await new Promise((r) =>
          setTimeout(r, Number.isFinite(hinted) && hinted > 0 ? hinted * 1000 : pause),
        );
        pause *= 2;
      }
    }
  }

  #send(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<RawAnswer> {
    const url = new URL(path, this.#endpoint.url);
    const ca = this.#endpoint.tlsCaPem;
    let sent = false;
    return new Promise<RawAnswer>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          ...(ca === null ? {} : { ca }),
          rejectUnauthorized: true,
          timeout: this.#timeoutMs,
          agent: false,
          headers: {
            accept: 'application/json, application/x-pem-file',
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
            else chunks.push(chunk);
          });
          res.on('error', (error) => reject(unreachable(error, true)));
          res.on('end', () => {
            if (!res.complete) return reject(unreachable(new Error('answer cut short'), true));
            const answer: RawAnswer = {
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'],
              body: Buffer.concat(chunks).toString('utf8'),
            };
            if (answer.status >= 200 && answer.status < 300) resolve(answer);
            else reject(refusal(answer));
          });
        },
      );
      req.on('finish', () => {
        sent = true;
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== undefined && TLS_TRUST_CODES.has(error.code)) {
          reject(
            new IndiciumError('CERTIFICATE_INVALID', {
              field: 'tls',
              detail: `the server at ${url.origin} is not the pinned vault (${error.code})`,
              details: { reason: error.code },
            }),
          );
        } else reject(unreachable(error, sent));
      });
      req.end(body);
    });
  }
}

function unreachable(error: Error, sent: boolean): IndiciumError {
  return new IndiciumError('VAULT_UNREACHABLE', { detail: error.message, details: { sent }, cause: error });
}

/** A non-2xx answer: the vault's wire error when it sent one, else what its status means. */
function refusal(answer: RawAnswer): IndiciumError {
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  const parsed = VaultErrorBodySchema.safeParse(json);
  const retryAfter = Number(answer.retryAfter);
  const hint = Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {};
  if (parsed.success) {
    const wire = fromWireError(parsed.data.error);
    const error =
      wire.code === 'VAULT_BUSY'
        ? new IndiciumError('VAULT_BUSY', { details: { ...wire.details, ...hint } })
        : wire;
    refusals.add(error);
    return error;
  }
  if (answer.status === 429 || answer.status === 503)
    return new IndiciumError('VAULT_BUSY', { details: hint });
  return new IndiciumError('VAULT_UNAVAILABLE', { detail: `HTTP ${answer.status} without an error body` });
}

function parseAnswer<S extends z.ZodType>(schema: S, body: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new IndiciumError('INVALID_FIELD', { field: 'answer', detail: 'the vault answered with non-JSON' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndiciumError('INVALID_FIELD', {
      field: `answer.${issue?.path.join('.') ?? ''}`,
      detail: issue?.message ?? 'does not match its schema',
    });
  }
  return parsed.data;
}
