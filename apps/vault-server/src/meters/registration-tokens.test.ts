import { describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { createRegistrationTokens, REGISTRATION_TOKEN_LIFETIME_MS } from './registration-tokens.js';

const METER = '00042-00001-0000001001';
const OTHER = '00042-00001-0000001002';
const grant = { meterId: METER, customerId: 'cust-1', userId: 'alice', mode: 'configure' as const };
const refused = { code: 'ROLE_DENIED' as const, field: 'registrationToken', reason: 'token' };

describe('registration tokens', () => {
  it('a token is 32 random bytes (base64url) that grants exactly what was issued, for its meter only', () => {
    const tokens = createRegistrationTokens(() => 1_000);
    const { token, expiresAtMs } = tokens.issue(grant);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(expiresAtMs).toBe(1_000 + REGISTRATION_TOKEN_LIFETIME_MS);
    expect(tokens.check(token, METER)).toEqual({ ...grant, expiresAtMs });
    expectIndiciumError(() => tokens.check(token, OTHER), refused);
    expect(tokens.issue(grant).token).not.toBe(token);
  });

  it('an unknown, consumed or expired token is refused', () => {
    let now = 0;
    const tokens = createRegistrationTokens(() => now);
    expectIndiciumError(() => tokens.check(Buffer.alloc(32).toString('base64url'), METER), refused);
    const used = tokens.issue(grant).token;
    tokens.consume(used);
    expectIndiciumError(() => tokens.check(used, METER), refused);
    const old = tokens.issue(grant).token;
    now = REGISTRATION_TOKEN_LIFETIME_MS - 1;
    expect(tokens.check(old, METER).userId).toBe('alice');
    now = REGISTRATION_TOKEN_LIFETIME_MS;
    expectIndiciumError(() => tokens.check(old, METER), refused);
  });
});
