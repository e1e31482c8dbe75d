import { describe, expect, it } from 'vitest';
import { WireErrorSchema } from '../schemas/wire-error.js';
import { ERROR_CATALOG, ERROR_CODES } from './error-catalog.js';
import { fromWireError, IndiciumError, toWireError } from './indicium-error.js';

describe('IndiciumError', () => {
  it('carries code, field, details, actor and next step', () => {
    const error = new IndiciumError('INSUFFICIENT_FUNDS', {
      field: 'postageMills',
      detail: 'needs 730 mills',
      details: { availableMills: 500 },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IndiciumError');
    expect(error.code).toBe('INSUFFICIENT_FUNDS');
    expect(error.field).toBe('postageMills');
    expect(error.details).toEqual({ availableMills: 500 });
    expect(Object.isFrozen(error.details)).toBe(true);
    expect(error.actor).toBe('user');
    expect(error.nextStep).toBe(ERROR_CATALOG.INSUFFICIENT_FUNDS.nextStep);
    expect(error.message).toBe(
      `${ERROR_CATALOG.INSUFFICIENT_FUNDS.message} (field: postageMills) needs 730 mills`,
    );
  });

  it('copies details, so the caller cannot change them afterwards', () => {
    const details: Record<string, unknown> = { part: 'extension' };
    const error = new IndiciumError('VERSION_MISMATCH', { details });
    details.part = 'companion';
    expect(error.details).toEqual({ part: 'extension' });
  });

  it('keeps a cause for local logs', () => {
    const cause = new Error('disk full');
    expect(new IndiciumError('AUDIT_FAILURE', { cause }).cause).toBe(cause);
  });
});

describe('toWireError / fromWireError', () => {
  it.each(ERROR_CODES.filter((c) => c !== 'INTERNAL_ERROR'))(
    '%s round-trips through JSON with its field and details',
    (code) => {
      const original = new IndiciumError(code, { field: 'meterId', details: { attempt: 2, part: 'vault' } });
      const wire = toWireError(original, 'err-123');
      expect(WireErrorSchema.parse(wire)).toEqual(wire);
      expect(wire).toEqual({
        code,
        message: original.message,
        actor: ERROR_CATALOG[code].actor,
        nextStep: ERROR_CATALOG[code].nextStep,
        field: 'meterId',
        details: { attempt: 2, part: 'vault' },
        errorId: 'err-123',
      });
      const back = fromWireError(JSON.parse(JSON.stringify(wire)));
      expect(back).toBeInstanceOf(IndiciumError);
      expect(back.code).toBe(code);
      expect(back.field).toBe('meterId');
      expect(back.details).toEqual({ attempt: 2, part: 'vault' });
    },
  );

  it('leaves out field, details and errorId when there are none', () => {
    const wire = toWireError(new IndiciumError('VAULT_BUSY'));
    expect(Object.keys(wire).sort()).toEqual(['actor', 'code', 'message', 'nextStep']);
    expect(WireErrorSchema.parse(wire)).toEqual(wire);
  });

  it.each([
    ['an Error', new Error('password=hunter2 at /srv/vault/db.ts:42')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'hmk')")],
    ['a string', 'secret string'],
    ['an object that looks like a wire error', { code: 'MAC_INVALID', message: 'forged', stack: 'x' }],
    ['undefined', undefined],
  ])('turns %s into INTERNAL_ERROR with nothing of the original', (_name, thrown) => {
    const wire = toWireError(thrown, 'err-9');
    expect(wire).toEqual({
      code: 'INTERNAL_ERROR',
      message: ERROR_CATALOG.INTERNAL_ERROR.message,
      actor: 'vault',
      nextStep: ERROR_CATALOG.INTERNAL_ERROR.nextStep,
      errorId: 'err-9',
    });
    const text = JSON.stringify(wire);
    for (const leak of ['hunter2', 'db.ts', 'hmk', 'secret', 'forged', 'stack', ' at '])
      expect(text).not.toContain(leak);
  });

  it('never puts the stack or the cause of an IndiciumError on the wire', () => {
    const error = new IndiciumError('AUDIT_FAILURE', { cause: new Error('fsync /var/lib/vault: EIO') });
    const text = JSON.stringify(toWireError(error));
    expect(text).not.toContain('fsync');
    expect(text).not.toContain('indicium-error');
    expect(Object.keys(toWireError(error))).not.toContain('stack');
  });

  it.each([
    ['an unknown code', { code: 'NEW_CODE_FROM_THE_FUTURE', message: 'x' }],
    ['a code of the wrong type', { code: 42 }],
    ['an inherited property name', { code: 'toString' }],
    ['null', null],
    ['a string', 'MAC_INVALID'],
    ['an array', ['MAC_INVALID']],
  ])('reads %s as INTERNAL_ERROR', (_name, wire) => {
    const error = fromWireError(wire);
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.field).toBeUndefined();
  });

  it('uses its own catalogue message, not the one received', () => {
    const error = fromWireError({ code: 'MAC_INVALID', message: 'Click here to fix: https://evil.example' });
    expect(error.message).toBe(ERROR_CATALOG.MAC_INVALID.message);
    expect(error.message).not.toContain('evil');
  });

  it('ignores a field or details of the wrong type', () => {
    const error = fromWireError({ code: 'INVALID_FIELD', field: 7, details: 'x' });
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.field).toBeUndefined();
    expect(error.details).toBeUndefined();
    expect(fromWireError({ code: 'INVALID_FIELD', details: ['a', 'b'] }).details).toBeUndefined();
    expect(fromWireError({ code: 'INVALID_FIELD', details: null }).details).toBeUndefined();
  });
});

describe('toWireError on an internal error', () => {
  it('drops the detail, field and details of an INTERNAL_ERROR so nothing of the inside leaks', () => {
    const wire = toWireError(
      new IndiciumError('INTERNAL_ERROR', {
        detail: 'SQLITE_BUSY at /srv/db',
        field: 'x',
        details: { path: '/srv' },
      }),
      'e-1',
    );
    expect(wire).toEqual({
      code: 'INTERNAL_ERROR',
      message: ERROR_CATALOG.INTERNAL_ERROR.message,
      actor: 'vault',
      nextStep: ERROR_CATALOG.INTERNAL_ERROR.nextStep,
      errorId: 'e-1',
    });
  });
});
