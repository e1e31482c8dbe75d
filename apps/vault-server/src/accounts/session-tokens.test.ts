import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  csrfTokenFor,
  csrfTokenMatches,
  hashCsrfToken,
  hashSessionId,
  isSessionIdShape,
  newSessionId,
  readCookie,
} from './session-tokens.js';

const key = randomBytes(32);

describe('session tokens', () => {
  it('makes 256-bit base64url session ids, stored only as a keyed hash', () => {
    const id = newSessionId();
    expect(isSessionIdShape(id)).toBe(true);
    expect(newSessionId()).not.toBe(id);
    const stored = hashSessionId(key, id);
    expect(stored).toHaveLength(32);
    expect(Buffer.from(hashSessionId(key, id)).equals(Buffer.from(stored))).toBe(true);
    expect(Buffer.from(hashSessionId(randomBytes(32), id)).equals(Buffer.from(stored))).toBe(false);
    expect(isSessionIdShape(`${id}x`)).toBe(false);
    expect(isSessionIdShape(id.replace(/.$/, '='))).toBe(false);
  });

  it('binds the CSRF token to its session: another session’s or a planted token fails', () => {
    const a = newSessionId();
    const b = newSessionId();
    const tokenA = csrfTokenFor(key, a);
    expect(Buffer.from(tokenA, 'base64url')).toHaveLength(32);
    const stored = hashCsrfToken(tokenA);
    expect(csrfTokenMatches(stored, tokenA)).toBe(true);
    expect(csrfTokenMatches(stored, csrfTokenFor(key, b))).toBe(false);
    expect(csrfTokenMatches(stored, undefined)).toBe(false);
    expect(csrfTokenMatches(stored, '')).toBe(false);
    expect(csrfTokenMatches(stored, `${tokenA}A`)).toBe(false);
  });

  it('reads one cookie from a Cookie header', () => {
    const header = 'a=1; __Host-indicium-session=abc ;b=2; __Host-indicium-session=second';
    expect(readCookie(header, '__Host-indicium-session')).toBe('abc');
    expect(readCookie(header, 'b')).toBe('2');
    expect(readCookie(header, 'missing')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
    expect(readCookie('x-a=1', 'a')).toBeUndefined();
  });
});
