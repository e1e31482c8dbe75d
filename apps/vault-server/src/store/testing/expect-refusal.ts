import { IndiciumError } from '@indicium/protocol';
import { expect } from 'vitest';

/** Awaits a refusal and checks its code (and field, when given). */
export async function expectRefusal(
  promise: Promise<unknown>,
  code: IndiciumError['code'],
  field?: string,
): Promise<IndiciumError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  const refusal = error as IndiciumError;
  expect(refusal.code).toBe(code);
  if (field !== undefined) expect(refusal.field).toBe(field);
  return refusal;
}
