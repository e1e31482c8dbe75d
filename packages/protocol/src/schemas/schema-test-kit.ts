import { expect } from 'vitest';
import type { z } from 'zod';

/** Helpers for the schema tests (not exported from the package). */

/** Canonical base64 of `n` bytes, each `fill`. */
export function b64(n: number, fill = 7): string {
  return Buffer.alloc(n, fill).toString('base64');
}

/** Asserts that `value` parses and comes back unchanged (the schemas never rewrite a valid value). */
export function expectValid(schema: z.ZodType, value: unknown): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`expected valid, got: ${JSON.stringify(result.error.issues)}`);
  expect(result.data).toEqual(value);
}

/** Asserts that `value` is refused, and that an issue points at `path` when one is given. */
export function expectInvalid(schema: z.ZodType, value: unknown, path?: readonly (string | number)[]): void {
  const result = schema.safeParse(value);
  expect(result.success, `expected ${show(value)} to be refused`).toBe(false);
  if (path !== undefined && !result.success) {
    const paths = result.error.issues.map((issue) => issue.path.join('.'));
    expect(paths).toContain(path.join('.'));
  }
}

/** Sets `value` at a dotted path of a deep copy of `base` (undefined deletes the key). */
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

function show(value: unknown): string {
  const text =
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  return text.slice(0, 200);
}
