import { describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { createLoginThrottle } from './login-throttle.js';

const policy = { perAccount: 3, perIp: 5, windowMs: 60_000, maxKeys: 100 };

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('login throttle', () => {
  it('stops an account after its limit, says when to retry, and lets it go after the window', () => {
    const c = clock();
    const throttle = createLoginThrottle(policy, c.now);
    for (let i = 0; i < 3; i++) {
      throttle.check('a@example.com', '10.0.0.1');
      throttle.recordFailure('a@example.com', '10.0.0.1');
      c.advance(1_000);
    }
    const error = expectIndiciumError(() => throttle.check('a@example.com', '10.0.0.2'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'email',
    });
    // The first failure was 3 s ago: it leaves the 60 s window in 57 s.
    expect(error.details?.retryAfterSeconds).toBe(57);
    throttle.check('b@example.com', '10.0.0.1');
    c.advance(57_000);
    throttle.check('a@example.com', '10.0.0.1');
  });

  it('stops an address spraying many accounts', () => {
    const throttle = createLoginThrottle(policy, clock().now);
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}@example.com`, '10.0.0.9');
    expectIndiciumError(() => throttle.check('fresh@example.com', '10.0.0.9'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'ip',
    });
    throttle.check('fresh@example.com', '10.0.0.10');
  });

  it("clears an account's failures on success but not its address's", () => {
    const throttle = createLoginThrottle(policy, clock().now);
    for (let i = 0; i < 3; i++) throttle.recordFailure('a@example.com', '10.0.0.1');
    throttle.recordSuccess('a@example.com');
    throttle.check('a@example.com', '10.0.0.1');
    for (let i = 0; i < 2; i++) throttle.recordFailure('z@example.com', '10.0.0.1');
    expectIndiciumError(() => throttle.check('a@example.com', '10.0.0.1'), {
      code: 'TOO_MANY_ATTEMPTS',
      field: 'ip',
    });
  });

  it('remembers a bounded number of keys', () => {
    const throttle = createLoginThrottle({ ...policy, maxKeys: 4 }, clock().now);
    for (let i = 0; i < 3; i++) throttle.recordFailure('old@example.com', `10.0.1.${i}`);
    for (let i = 0; i < 50; i++) throttle.recordFailure(`spray${i}@example.com`, '10.0.2.1');
    // The old account's failures were evicted: memory stays bounded under a flood.
    throttle.check('old@example.com', '10.0.3.1');
  });
});
