import { MeterUserIdSchema } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { meterUserIdFromEmail, registrationModeFor } from './registration-mode.js';

describe('registrationModeFor (DESIGN §4.2)', () => {
  it('configures an assigned meter, completes a reset, adds a user otherwise', () => {
    expect(registrationModeFor({ state: 'assigned' })).toBe('configure');
    expect(registrationModeFor({ state: 'pwreset' })).toBe('reset');
    expect(registrationModeFor({ state: 'leased' })).toBe('add-user');
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
