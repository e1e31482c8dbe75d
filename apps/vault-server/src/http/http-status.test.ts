import { ERROR_CODES } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { httpStatusFor } from './http-status.js';

describe('httpStatusFor', () => {
  it('gives every catalogue code an error status', () => {
    for (const code of ERROR_CODES) {
      const status = httpStatusFor(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it.each([
    ['MALFORMED_REQUEST', 400],
    ['LOGON_FAILED', 401],
    ['WEB_SESSION_EXPIRED', 401],
    ['CSRF_REJECTED', 403],
    ['ROLE_DENIED', 403],
    ['OFFICER_LOCAL_ONLY', 403],
    ['DUPLICATE_RECORD', 409],
    ['NOT_FOUND', 404],
    ['ACCOUNT_EXISTS', 409],
    ['REQUEST_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['INSUFFICIENT_FUNDS', 422],
    ['TOO_MANY_ATTEMPTS', 429],
    ['INTERNAL_ERROR', 500],
    ['CHECKPOINT_MISMATCH', 503],
    ['VAULT_UNAVAILABLE', 503],
  ] as const)('%s → %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });
});
