import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { isLoopbackAddress as isLoopback } from '../officers/is-loopback-address.js';
import { assertSameOrigin } from './origin-guard.js';

/** A request as Express shows its headers (the one part of Request these checks read). */
function fakeRequest(headers: Record<string, string>): Request {
  return { get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
}

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('treats %s as this machine', (address) => {
    expect(isLoopback(address)).toBe(true);
  });
  it.each(['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1', '::2', '', undefined])(
    'treats %s as another machine',
    (address) => {
      expect(isLoopback(address)).toBe(false);
    },
  );
});

describe('assertSameOrigin', () => {
  const host = { host: 'localhost:8443' };
  it('accepts our own origin, a configured one, and (on public routes) no origin', () => {
    assertSameOrigin(fakeRequest({ ...host, origin: 'https://localhost:8443' }), [], { requireOrigin: true });
    assertSameOrigin(fakeRequest({ ...host, origin: 'https://meter.example' }), ['https://meter.example'], {
      requireOrigin: true,
    });
    assertSameOrigin(fakeRequest({ ...host, 'sec-fetch-site': 'same-origin' }), [], { requireOrigin: false });
  });

  it.each([
    [{ origin: 'https://evil.example' }, true, 'foreign-origin'],
    [{ origin: 'http://localhost:8443' }, false, 'foreign-origin'],
    [{ origin: 'https://localhost:8444' }, false, 'foreign-origin'],
    [{ origin: 'null' }, false, 'foreign-origin'],
    [{}, true, 'missing-origin'],
    [{ origin: 'https://localhost:8443', 'sec-fetch-site': 'cross-site' }, false, 'cross-site'],
    [{ origin: 'https://localhost:8443', 'sec-fetch-site': 'same-site' }, false, 'cross-site'],
  ])('refuses %j (origin required: %s) as %s', (headers, requireOrigin, reason) => {
    expectIndiciumError(() => assertSameOrigin(fakeRequest({ ...host, ...headers }), [], { requireOrigin }), {
      code: 'CSRF_REJECTED',
      field: 'origin',
      reason,
    });
  });
});
