import { ERROR_CATALOG, type ErrorCode, IndiciumError } from '@indicium/protocol';

/**
 * An error as it crosses from the writer thread to the main thread. Structured cloning keeps an
 * Error's message but drops its own fields (code, field, details), and the caller's tests and HTTP
 * mapping rest on those: a typed refusal is sent as its parts and rebuilt as the same IndiciumError.
 */
export type TransportedError =
  | {
      readonly kind: 'indicium';
      readonly code: ErrorCode;
      readonly field: string | undefined;
      readonly detail: string | undefined;
      readonly details: Readonly<Record<string, unknown>> | undefined;
    }
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
    };

export function transportError(error: unknown): TransportedError {
  if (error instanceof IndiciumError) {
    // The detail is the tail of the message after the catalogue text and the field (indicium-error.ts).
    const prefix = `${ERROR_CATALOG[error.code].message}${error.field === undefined ? '' : ` (field: ${error.field})`}`;
    const detail = error.message.startsWith(`${prefix} `)
      ? error.message.slice(prefix.length + 1)
      : undefined;
    return { kind: 'indicium', code: error.code, field: error.field, detail, details: error.details };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'error', name: e.name, message: e.message, stack: e.stack };
}

export function reviveError(t: TransportedError): Error {
  if (t.kind === 'indicium') {
    return new IndiciumError(t.code, {
      ...(t.field === undefined ? {} : { field: t.field }),
      ...(t.detail === undefined ? {} : { detail: t.detail }),
      ...(t.details === undefined ? {} : { details: { ...t.details } }),
    });
  }
  const error = new Error(t.message);
  error.name = t.name;
  if (t.stack !== undefined) error.stack = t.stack;
  return error;
}
