import { MeterUserIdSchema } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { meterUserIdFromEmail, registrationModeFor } from './registration-mode.js';

describe('registrationModeFor (DESIGN §4.2)', () => {
  const alice = {
    userId: 'alice',
    role: 'customer-administrator',
    maximumTotalMills: null,
    expiresAt: null,
  } as const;

  it('configures a meter with no user, completes a reset, adds a user otherwise', () => {
    expect(registrationModeFor({ state: 'unleased', users: [] })).toBe('configure');
    expect(registrationModeFor({ state: 'assigned', users: [] })).toBe('configure');
    expect(registrationModeFor({ state: 'pwreset', users: [alice] })).toBe('reset');
    expect(registrationModeFor({ state: 'leased', users: [alice] })).toBe('add-user');
  });
});

describe('meterUserIdFromEmail', () => {
  it('gives a valid meter user id for ordinary and awkward addresses', () => {
    expect(meterUserIdFromEmail('Alice.Smith@example.com')).toBe('alice.smith');
    expect(meterUserIdFromEmail('+tag@example.com')).toBe('tag');
    expect(meterUserIdFromEmail('@example.com')).toBe('user');
    for (const email of [
      'Alice.Smith@example.com',
      '+tag@example.com',
      '__@x',
      `${'a'.repeat(80)}@x`,
      'Ünïcode@x',
    ]) {
      expect(MeterUserIdSchema.safeParse(meterUserIdFromEmail(email)).success).toBe(true);
    }
  });
});
