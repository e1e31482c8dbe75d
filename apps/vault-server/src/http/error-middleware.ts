import { randomUUID } from 'node:crypto';
import { IndiciumError, PROTOCOL_VERSION, toWireError, type VaultErrorBody } from '@indicium/protocol';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { httpStatusFor } from './http-status.js';

/** body-parser's error types (`err.type`), mapped to our codes. */
function fromBodyParser(error: unknown): IndiciumError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const { type, limit } = error as { type?: unknown; limit?: unknown };
  switch (type) {
    case 'entity.too.large':
      return new IndiciumError('REQUEST_TOO_LARGE', {
        field: 'body',
        details: typeof limit === 'number' ? { limitBytes: limit } : {},
      });
    case 'entity.parse.failed':
      return new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: 'The body is not valid JSON.' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new IndiciumError('UNSUPPORTED_MEDIA_TYPE', { field: 'content-type' });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new IndiciumError('MALFORMED_REQUEST', { field: 'body' });
    default:
      return undefined;
  }
}

/** Writes an error body (VaultErrorBodySchema) with its status; `Retry-After` when the code has one. */
export function sendError(res: Response, error: IndiciumError | unknown, errorId?: string): void {
  const wire = toWireError(error, errorId);
  const status = httpStatusFor(wire.code);
  const retry = wire.details?.retryAfterSeconds;
  if (typeof retry === 'number' && Number.isInteger(retry) && retry > 0)
    res.set('Retry-After', String(retry));
  const body: VaultErrorBody = { protocol: PROTOCOL_VERSION, error: wire as VaultErrorBody['error'] };
  res.status(status).json(body);
}

/**
 * The one error middleware (STYLE "Typed error codes"): an IndiciumError becomes its code's status
 * and wire form; anything else becomes INTERNAL_ERROR 500 with a fresh error id that is logged
 * with the error and stack, so an operator can find it; no stack or library message ever leaves.
 */
export function createErrorMiddleware(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = error instanceof IndiciumError ? error : fromBodyParser(error);
    const status = known === undefined ? 500 : httpStatusFor(known.code);
    if (status >= 500) {
      const errorId = randomUUID();
      log.error(
        { err: error, errorId, method: req.method, route: res.locals.routePattern },
        'request failed',
      );
      if (res.headersSent) res.destroy();
      else sendError(res, known ?? error, errorId);
      return;
    }
    if (res.headersSent) res.destroy();
    else sendError(res, known);
  };
}
