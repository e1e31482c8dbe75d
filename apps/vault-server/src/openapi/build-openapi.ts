import { ERROR_CODES, VaultErrorBodySchema } from '@indicium/protocol';
import { z } from 'zod';
import { httpStatusFor } from '../http/http-status.js';
import type { Route } from '../http/route.js';

type JsonObject = Record<string, unknown>;

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a client sends or receives. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  delete json.$schema;
  return json;
}

/** `/v1/certificates/:serial` → `/v1/certificates/{serial}`. */
export function openapiPath(expressPath: string): string {
  return expressPath.replaceAll(/:([A-Za-z]\w*)/g, '{$1}');
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (schema === undefined) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function errorResponses(route: Route): Record<string, JsonObject> {
  const codes = new Set<string>(['MALFORMED_REQUEST', 'INTERNAL_ERROR', ...(route.errors ?? [])]);
  if (route.body !== undefined) {
    for (const code of ['REQUEST_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VERSION_MISMATCH']) codes.add(code);
  }
  if (route.auth === 'session') codes.add('WEB_SESSION_EXPIRED');
  if (route.auth === 'session' && route.method !== 'get') codes.add('CSRF_REJECTED');
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    if (!(ERROR_CODES as readonly string[]).includes(code)) continue;
    const status = httpStatusFor(code as (typeof ERROR_CODES)[number]);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: `Error: ${list.join(', ')}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/VaultErrorBody' } } },
      },
    ]),
  );
}

function operationOf(route: Route): JsonObject {
  const answer = route.answer;
  const success: JsonObject =
    'schema' in answer
      ? {
          description: 'Success',
          content: { 'application/json': { schema: schemaOf(answer.schema, 'output') } },
        }
      : 'text' in answer
        ? { description: 'Success', content: { [answer.text]: { schema: { type: 'string' } } } }
        : { description: 'Done, no content' };
  return {
    operationId: `${route.method}${openapiPath(route.path).replaceAll(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth === 'session'
      ? { security: route.method === 'get' ? [{ session: [] }] : [{ session: [], csrf: [] }] }
      : { security: [] }),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }),
    responses: { [String(answer.status)]: success, ...errorResponses(route) },
  };
}

/**
 * The OpenAPI 3.1 description of the vault's public API (DESIGN §6), generated from the route
 * table and the protocol's zod schemas, so it cannot drift from what the server checks. Routes for
 * the local machine only (officer, metrics) are left out.
 *
 * @example
 * const document = buildOpenapi(routes, { version: '0.1.0' });
 */
export function buildOpenapi(routes: readonly Route[], info: { readonly version: string }): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    if (route.auth === 'local') continue;
    const path = openapiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Indicium vault',
      version: info.version,
      description:
        'The public, web-account and companion API of the Indicium vault (DESIGN §6). Every error body is VaultErrorBody with a stable code.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { VaultErrorBody: schemaOf(VaultErrorBodySchema, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: '__Host-indicium-session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
    },
  };
}
