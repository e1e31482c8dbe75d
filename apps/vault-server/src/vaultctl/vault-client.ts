import { request } from 'node:https';
import { fromWireError, IndiciumError, VaultErrorBodySchema } from '@indicium/protocol';
import type { z } from 'zod';

export interface VaultClientOptions {
  /** `https://localhost:8443` by default. */
  readonly url: string;
  /** PEM of the CA that issued the vault's TLS certificate (the development CA by default). */
  readonly ca: string;
  readonly timeoutMs?: number;
}

export interface VaultClient {
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>>;
  send<S extends z.ZodType>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>>;
}

/**
 * `vaultctl`'s HTTPS JSON client for the officer endpoint: trusts only the given CA (no system
 * roots: the vault's certificate comes from its own CA), refuses redirects, parses every answer
 * with its protocol schema and turns an error body into the IndiciumError it names.
 */
export function createVaultClient(options: VaultClientOptions): VaultClient {
  const base = new URL(options.url);
  if (base.protocol !== 'https:') {
    throw new IndiciumError('INVALID_FIELD', { field: 'vault', detail: 'the vault URL must be https://' });
  }
  const call = (method: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      const req = request(
        new URL(path, base),
        {
          method,
          ca: options.ca,
          headers: {
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': String(payload.length) }),
          },
          timeout: options.timeoutMs ?? 120_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
            } catch (cause) {
              reject(
                new IndiciumError('MALFORMED_REQUEST', {
                  field: 'answer',
                  detail: `HTTP ${res.statusCode}: not JSON`,
                  cause,
                }),
              );
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new IndiciumError('TIMEOUT', { detail: `${method} ${path}` })));
      req.on('error', (error) => {
        if (error instanceof IndiciumError) reject(error);
        else
          reject(
            new IndiciumError('VAULT_UNREACHABLE', {
              detail: `${base.origin}: ${error.message}`,
              cause: error,
            }),
          );
      });
      req.end(payload);
    });
  const parse = <S extends z.ZodType>(out: { status: number; json: unknown }, schema: S): z.output<S> => {
    if (out.status >= 400) {
      const error = VaultErrorBodySchema.safeParse(out.json);
      if (error.success) throw fromWireError(error.data.error);
      throw new IndiciumError('INTERNAL_ERROR', { detail: `HTTP ${out.status} without an error body` });
    }
    const parsed = schema.safeParse(out.json);
    if (!parsed.success) {
      throw new IndiciumError('MALFORMED_REQUEST', {
        field: 'answer',
        detail: parsed.error.issues[0]?.message ?? 'invalid',
      });
    }
    return parsed.data;
  };
  return {
    get: async (path, schema) => parse(await call('GET', path, undefined), schema),
    send: async (method, path, body, schema) => parse(await call(method, path, body), schema),
  };
}
