import { IndiciumError } from '@indicium/protocol';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/** Where the HTTP app mounts the officer router: every OFFICER_PATHS entry starts with it. */
export const OFFICER_MOUNT_PATH = '/v1/officer';

/** An OFFICER_PATHS entry as an Express path relative to the mount (`{x}` → `:x`). */
export function relative(path: string): string {
  return path.slice(OFFICER_MOUNT_PATH.length).replace(/\{(\w+)\}/g, ':$1');
}

/** Validates an officer request part; MALFORMED_REQUEST names the first bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new IndiciumError('MALFORMED_REQUEST', {
    field: [field, ...(issue?.path ?? []).map(String)].join('.'),
    ...(issue === undefined ? {} : { detail: issue.message }),
  });
}

/** An async handler's answer as JSON; a refusal goes on to the officer router's error handler. */
export function answer(handler: (req: Request) => Promise<{ status?: number; json: unknown }>) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req).then((out) => res.status(out.status ?? 200).json(out.json), next);
  };
}
