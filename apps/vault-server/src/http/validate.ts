import { IndiciumError } from '@indicium/protocol';
import type { z } from 'zod';

const MAX_ISSUES = 8;

/**
 * Parses inbound data with its protocol schema (STYLE "One protocol package": parse at the
 * boundary, pass only typed values inward). A wrong `protocol` number is VERSION_MISMATCH (§4.1);
 * anything else out of shape is MALFORMED_REQUEST with `field` naming the first bad path.
 *
 * @example
 * const body = validate(VerifyRequestSchema, req.body, 'body');
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message.slice(0, 200),
  }));
  const first = parsed.error.issues[0];
  const field = issues[0]?.path ?? where;
  // Only a protocol number that is there and different is a version skew; a missing one is malformed.
  const sentProtocol = typeof value === 'object' && value !== null && 'protocol' in value;
  if (where === 'body' && sentProtocol && first?.path.length === 1 && first.path[0] === 'protocol') {
    throw new IndiciumError('VERSION_MISMATCH', {
      field: 'protocol',
      details: { component: 'vault', issues },
    });
  }
  return throwMalformed(field, issues);
}

function throwMalformed(field: string, issues: readonly { path: string; message: string }[]): never {
  throw new IndiciumError('MALFORMED_REQUEST', { field, details: { issues } });
}
