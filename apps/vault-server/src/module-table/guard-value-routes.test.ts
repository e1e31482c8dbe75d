import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, type Route, type RouteContext } from '../http/route.js';
import { guardValueRoutes } from './guard-value-routes.js';

function route(tag: string, calls: string[]): Route {
  return defineRoute({
    method: 'post',
    path: `/v1/${tag}`,
    auth: 'public',
    tag,
    summary: tag,
    answer: { status: 200, schema: z.object({ ok: z.boolean() }) },
    handler: async () => {
      calls.push(tag);
      return { json: { ok: true } };
    },
  });
}

const context = {} as RouteContext<unknown, unknown, unknown>;

describe('guardValueRoutes (DESIGN §3.6: a stopped vault refuses value-bearing work)', () => {
  it('refuses tagged routes before their handler runs while stopped; other routes and a serving vault pass', async () => {
    const calls: string[] = [];
    let serving = false;
    const guard = {
      assertServing() {
        if (!serving) throw new IndiciumError('VAULT_UNAVAILABLE', { details: { reason: 'module-table' } });
      },
    };
    const [psd, account] = guardValueRoutes([route('psd', calls), route('account', calls)], guard, ['psd']);
    await expect(psd?.handler(context)).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    expect(calls).toEqual([]);
    expect(await account?.handler(context)).toEqual({ json: { ok: true } });
    expect(psd?.errors).toContain('VAULT_UNAVAILABLE');
    expect(account?.errors).toBeUndefined();
    serving = true;
    expect(await psd?.handler(context)).toEqual({ json: { ok: true } });
    expect(calls).toEqual(['account', 'psd']);
  });
});
