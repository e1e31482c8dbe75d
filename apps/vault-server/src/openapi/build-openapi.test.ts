import { LoginRequestSchema, SessionAnswerSchema } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { buildOpenapi, openapiPath } from './build-openapi.js';

const noop = async () => ({ status: 204 as const });

describe('buildOpenapi', () => {
  const document = buildOpenapi(
    [
      defineRoute({
        method: 'post',
        path: '/v1/account/login',
        auth: 'public',
        tag: 'account',
        summary: 'Log in',
        body: LoginRequestSchema,
        answer: { status: 200, schema: SessionAnswerSchema },
        errors: ['LOGON_FAILED', 'TOO_MANY_ATTEMPTS'],
        handler: noop,
      }),
      defineRoute({
        method: 'post',
        path: '/v1/meters/:meterId/refund',
        auth: 'session',
        tag: 'account',
        summary: 'Refund',
        params: z.strictObject({ meterId: z.string() }),
        answer: { status: 204 },
        handler: noop,
      }),
      defineRoute({
        method: 'get',
        path: '/metrics',
        auth: 'local',
        tag: 'operations',
        summary: 'metrics',
        answer: { status: 200, text: 'text/plain' },
        handler: noop,
      }),
    ],
    { version: '9.9.9' },
  ) as {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };

  it('is OpenAPI 3.1 with the routes for others, not the local ones', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('9.9.9');
    expect(Object.keys(document.paths).sort()).toEqual(['/v1/account/login', '/v1/meters/{meterId}/refund']);
  });

  it('gives bodies as JSON Schema, error statuses per code, and the session + CSRF security', () => {
    const login = document.paths['/v1/account/login']?.post as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
      responses: Record<string, { description: string }>;
      security: unknown[];
    };
    expect(Object.keys(login.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'email',
      'password',
      'protocol',
    ]);
    expect(login.responses['401']?.description).toContain('LOGON_FAILED');
    expect(login.responses['429']?.description).toContain('TOO_MANY_ATTEMPTS');
    expect(login.responses['413']).toBeDefined();
    expect(login.security).toEqual([]);
    const refund = document.paths['/v1/meters/{meterId}/refund']?.post as {
      parameters: { name: string; in: string; required: boolean }[];
      security: unknown[];
      responses: Record<string, { description: string }>;
    };
    expect(refund.parameters).toEqual([
      expect.objectContaining({ name: 'meterId', in: 'path', required: true }),
    ]);
    expect(refund.security).toEqual([{ session: [], csrf: [] }]);
    expect(refund.responses['403']?.description).toContain('CSRF_REJECTED');
    expect(refund.responses['401']?.description).toContain('WEB_SESSION_EXPIRED');
  });

  it('writes Express parameters the OpenAPI way', () => {
    expect(openapiPath('/v1/certificates/:serial')).toBe('/v1/certificates/{serial}');
    expect(openapiPath('/v1/meters/:meterId/history')).toBe('/v1/meters/{meterId}/history');
  });
});
