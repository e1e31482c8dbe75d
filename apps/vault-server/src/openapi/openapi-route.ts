import { z } from 'zod';
import { defineRoute, type Route } from '../http/route.js';
import { buildOpenapi } from './build-openapi.js';

export const OPENAPI_PATH = '/v1/openapi.json';

/**
 * `GET /v1/openapi.json`: the OpenAPI document of every route in `routes()` (this one included),
 * built once on first request, after the composition root assembled the whole table.
 */
export function openapiRoute(routes: () => readonly Route[], version: string): Route {
  let document: Record<string, unknown> | undefined;
  return defineRoute({
    method: 'get',
    path: OPENAPI_PATH,
    auth: 'public',
    tag: 'public',
    summary: 'This OpenAPI 3.1 description',
    answer: { status: 200, schema: z.looseObject({ openapi: z.literal('3.1.0') }) },
    handler: async () => {
      document ??= buildOpenapi(routes(), { version });
      return { json: document };
    },
  });
}
