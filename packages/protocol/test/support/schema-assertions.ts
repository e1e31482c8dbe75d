import { expect } from 'vitest';
import type { z } from 'zod';

/** Assertions shared by the schema tests (kept out of src/, so nothing test-only is built). */

/** Canonical base64 of `n` bytes, each `fill`. */
export function b64(n: number, fill = 7): string {
  return Buffer.alloc(n, fill).toString('base64');
}

/** The value parses and comes back unchanged (schemas never rewrite a valid value). */
export function expectValid(schema: z.ZodType, value: unknown): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`expected valid, got: ${JSON.stringify(result.error.issues)}`);
  expect(result.data).toEqual(value);
}

/** The value is refused, with an issue at `path` when one is given. */
export function expectInvalid(schema: z.ZodType, value: unknown, path?: readonly (string | number)[]): void {
  const result = schema.safeParse(value);
  expect(result.success, 'expected a refusal').toBe(false);
  if (path !== undefined && !result.success) {
    expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(path.join('.'));
  }
}

/** A deep copy of `base` with `value` at a dotted path (undefined deletes the key). */
export function withField(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys.at(-1) as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}
