import { ERROR_CATALOG, type ErrorActor, type ErrorCode, isErrorCode } from './error-catalog.js';

/**
 * The one error class every part of Indicium throws for an expected refusal. `code` is the
 * discriminant; `field` names the offending input field where there is one.
 *
 * @example
 * try { parseIndicium(bytes) } catch (e) {
 *   if (e instanceof IndiciumError && e.code === 'INDICIUM_MALFORMED') console.error(e.field);
 * }
 */
export class IndiciumError extends Error {
  override readonly name = 'IndiciumError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Small, non-secret facts that help the caller (never keys, MACs or passwords). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    options: { field?: string; detail?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const base = ERROR_CATALOG[code].message;
    const where = options.field === undefined ? '' : ` (field: ${options.field})`;
    const why = options.detail === undefined ? '' : ` ${options.detail}`;
    super(`${base}${where}${why}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.details = options.details === undefined ? undefined : Object.freeze({ ...options.details });
  }

  get actor(): ErrorActor {
    return ERROR_CATALOG[this.code].actor;
  }

  get nextStep(): string {
    return ERROR_CATALOG[this.code].nextStep;
  }
}

/** The JSON form of an error on the wire: no stack, no cause, never secrets. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly actor: ErrorActor;
  readonly nextStep: string;
  readonly field?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** Correlates a 5xx with the server's log line. */
  readonly errorId?: string;
}

/**
 * Turns anything thrown into a wire error. Unknown errors become INTERNAL_ERROR so that nothing
 * about the inside (stack, library messages) crosses a trust boundary.
 */
export function toWireError(error: unknown, errorId?: string): WireError {
  // An INTERNAL_ERROR's detail describes our inside; only its error id crosses the boundary.
  if (error instanceof IndiciumError && error.code !== 'INTERNAL_ERROR') {
    return {
      code: error.code,
      message: error.message,
      actor: error.actor,
      nextStep: error.nextStep,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(errorId === undefined ? {} : { errorId }),
    };
  }
  const info = ERROR_CATALOG.INTERNAL_ERROR;
  return {
    code: 'INTERNAL_ERROR',
    message: info.message,
    actor: info.actor,
    nextStep: info.nextStep,
    ...(errorId === undefined ? {} : { errorId }),
  };
}

/** Rebuilds an IndiciumError from a wire error received from another part; unknown codes become INTERNAL_ERROR. */
export function fromWireError(wire: unknown): IndiciumError {
  if (typeof wire === 'object' && wire !== null) {
    const w = wire as Record<string, unknown>;
    if (isErrorCode(w.code)) {
      return new IndiciumError(w.code, {
        ...(typeof w.field === 'string' ? { field: w.field } : {}),
        ...(typeof w.details === 'object' && w.details !== null && !Array.isArray(w.details)
          ? { details: w.details as Record<string, unknown> }
          : {}),
      });
    }
  }
  return new IndiciumError('INTERNAL_ERROR');
}
