import { IndiciumError, type ModuleFailure, type ModuleOutcome } from '@indicium/protocol';
import type { ZodError } from 'zod';

/** The wire form of a refusal: code, field and detail only (never a stack or a cause). */
export function failureOf(error: IndiciumError): ModuleFailure {
  return {
    code: error.code,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.message === undefined ? {} : { detail: error.message }),
  };
}

export function refused(error: IndiciumError): ModuleOutcome {
  return { ok: false, error: failureOf(error) };
}

/** A schema failure names the first offending field, as the error catalogue promises. */
export function malformed(error: ZodError, prefix: string): IndiciumError {
  const issue = error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  return new IndiciumError('MALFORMED_REQUEST', {
    field: path === '' ? prefix : `${prefix}.${path}`,
    ...(issue === undefined ? {} : { detail: issue.message }),
  });
}
