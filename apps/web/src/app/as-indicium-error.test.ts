import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { asIndiciumError } from './as-indicium-error.js';

describe('asIndiciumError', () => {
  it('keeps a protocol refusal with its code and field', () => {
    const refusal = new IndiciumError('INSUFFICIENT_FUNDS', { field: 'postageMills' });
    expect(asIndiciumError(refusal)).toBe(refusal);
  });

  it('a failed fetch is VAULT_UNAVAILABLE; anything else INTERNAL_ERROR without its text', () => {
    expect(asIndiciumError(new TypeError('Failed to fetch')).code).toBe('VAULT_UNAVAILABLE');
    const internal = asIndiciumError(new Error('secret stack detail'));
    expect(internal.code).toBe('INTERNAL_ERROR');
    expect(internal.message).not.toContain('secret');
  });
});
