import { describe, expect, it } from 'vitest';
import { HealthAnswerSchema, ReadyAnswerSchema } from './ops-api.js';

describe('operations answers', () => {
  it('accepts the health and ready answers the vault sends', () => {
    expect(HealthAnswerSchema.parse({ status: 'ok' })).toEqual({ status: 'ok' });
    expect(ReadyAnswerSchema.parse({ status: 'ready', checks: { store: true, pool: true } }).checks).toEqual({
      store: true,
      pool: true,
    });
  });

  it('refuses a failed check, a wrong status, a bad check name and extra fields', () => {
    expect(ReadyAnswerSchema.safeParse({ status: 'ready', checks: { store: false } }).success).toBe(false);
    expect(ReadyAnswerSchema.safeParse({ status: 'ok', checks: {} }).success).toBe(false);
    expect(ReadyAnswerSchema.safeParse({ status: 'ready', checks: { 'Bad Name': true } }).success).toBe(
      false,
    );
    expect(HealthAnswerSchema.safeParse({ status: 'ok', uptime: 1 }).success).toBe(false);
  });
});
