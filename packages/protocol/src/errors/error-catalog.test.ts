import { describe, expect, it } from 'vitest';
import { ERROR_ACTORS } from '../schemas/primitives.js';
import { ERROR_CATALOG, ERROR_CODES, isErrorCode } from './error-catalog.js';

describe('ERROR_CATALOG (DESIGN §4.1)', () => {
  it('lists every code once, in ERROR_CODES', () => {
    expect(ERROR_CODES).toEqual(Object.keys(ERROR_CATALOG));
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES.length).toBeGreaterThan(40);
  });

  it.each(ERROR_CODES)('%s has a code-shaped name, an actor, a message and a next step', (code) => {
    const info = ERROR_CATALOG[code];
    expect(code).toMatch(/^[A-Z][A-Z0-9_]{0,63}$/);
    expect(ERROR_ACTORS).toContain(info.actor);
    expect(info.message.trim().length).toBeGreaterThan(10);
    expect(info.nextStep.trim().length).toBeGreaterThan(5);
    // Shown to people as sentences.
    expect(info.message).toMatch(/^[A-Z].*\.$/s);
    expect(info.nextStep).toMatch(/^[A-Z].*\.$/s);
  });

  it('groups codes by actor in the order user, install, printer, vault, developer', () => {
    const order = ERROR_CODES.map((code) => ERROR_ACTORS.indexOf(ERROR_CATALOG[code].actor));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const actor of ERROR_ACTORS) {
      expect(
        ERROR_CODES.some((code) => ERROR_CATALOG[code].actor === actor),
        actor,
      ).toBe(true);
    }
  });

  it('has the codes other parts rely on', () => {
    for (const code of [
      'INTERNAL_ERROR',
      'INVALID_FIELD',
      'MALFORMED_REQUEST',
      'VERSION_MISMATCH',
      'MAC_INVALID',
    ]) {
      expect(isErrorCode(code), code).toBe(true);
    }
    expect(ERROR_CATALOG.INTERNAL_ERROR.actor).toBe('vault');
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(ERROR_CATALOG)).toBe(true);
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
  });

  it('isErrorCode accepts catalogue codes only, not inherited names or other types', () => {
    expect(isErrorCode('MAC_INVALID')).toBe(true);
    for (const value of [
      'mac_invalid',
      'toString',
      '__proto__',
      'constructor',
      'NOT_A_CODE',
      '',
      42,
      null,
      undefined,
      {},
    ]) {
      expect(isErrorCode(value), String(value)).toBe(false);
    }
  });
});
