import { IndiciumError } from '@indicium/protocol';
import { expect } from 'vitest';

export interface ExpectedIndiciumError {
  readonly code: IndiciumError['code'];
  readonly field?: string;
  readonly reason?: string;
}

function check(error: unknown, expected: ExpectedIndiciumError): IndiciumError {
  expect(error).toBeInstanceOf(IndiciumError);
  const e = error as IndiciumError;
  expect({ code: e.code, field: e.field, reason: e.details?.reason }).toEqual({
    code: expected.code,
    field: expected.field,
    reason: expected.reason,
  });
  return e;
}

/** Runs `action` and asserts it throws an IndiciumError with exactly this code, field and reason. */
export function expectIndiciumError(action: () => unknown, expected: ExpectedIndiciumError): IndiciumError {
  try {
    action();
  } catch (error) {
    return check(error, expected);
  }
  throw new Error(`expected ${expected.code} to be thrown`);
}

/** The async twin of `expectIndiciumError`. */
export async function expectIndiciumRejection(
  action: () => Promise<unknown>,
  expected: ExpectedIndiciumError,
): Promise<IndiciumError> {
  try {
    await action();
  } catch (error) {
    return check(error, expected);
  }
  throw new Error(`expected ${expected.code} to be thrown`);
}
