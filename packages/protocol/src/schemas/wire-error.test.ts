import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { WireErrorSchema } from './wire-error.js';

/** The value parses and comes back unchanged (schemas never rewrite a valid value). */
function expectValid(schema: z.ZodType, value: unknown): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`expected valid, got: ${JSON.stringify(result.error.issues)}`);
  expect(result.data).toEqual(value);
}

/** The value is refused, with an issue at `path` when one is given. */
function expectInvalid(schema: z.ZodType, value: unknown, path?: readonly (string | number)[]): void {
  const result = schema.safeParse(value);
  expect(result.success, 'expected a refusal').toBe(false);
  if (path !== undefined && !result.success) {
    expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(path.join('.'));
  }
}

const base = {
  code: 'VERSION_MISMATCH',
  message: 'Two parts differ.',
  actor: 'install',
  nextStep: 'Update.',
};

describe('WireErrorSchema', () => {
  it('accepts the optional parts', () => {
    expectValid(WireErrorSchema, base);
    expectValid(WireErrorSchema, {
      ...base,
      field: 'protocol',
      details: { part: 'extension', expected: 1 },
      errorId: 'e1',
    });
  });

  it('accepts a code it does not know yet (read later as INTERNAL_ERROR)', () => {
    expectValid(WireErrorSchema, { ...base, code: 'A_FUTURE_CODE' });
  });

  it.each([
    ['a lower-case code', { ...base, code: 'version_mismatch' }, ['code']],
    ['an unknown actor', { ...base, actor: 'god' }, ['actor']],
    ['a stack', { ...base, stack: 'Error\n    at x' }, ['']],
    ['a cause', { ...base, cause: {} }, ['']],
    ['a huge message', { ...base, message: 'x'.repeat(1025) }, ['message']],
    ['details over 4 KiB', { ...base, details: { blob: 'x'.repeat(4096) } }, ['details']],
    ['details that are not JSON', { ...base, details: { f: () => 1 } }, ['details', 'f']],
    ['an error id with spaces', { ...base, errorId: 'a b' }, ['errorId']],
  ])('refuses %s', (_name, value, path) => {
    expectInvalid(WireErrorSchema, value, path);
  });
});
