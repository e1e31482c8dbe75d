import { describe, it } from 'vitest';
import { expectInvalid, expectValid } from '../../test/support/schema-assertions.js';
import { WireErrorSchema } from './wire-error.js';

const base = {
  code: 'VERSION_MISMATCH',
  message: 'Two parts differ.',
  actor: 'install',
  nextStep: 'Update.',
};

describe('WireErrorSchema', () => {
  it('accepts the optional parts', () => {
    expectValid(WireErrorSchema, base);
    expectValid(WireErrorSchema, {
      ...base,
      field: 'protocol',
      details: { part: 'extension', expected: 1 },
      errorId: 'e1',
    });
  });

  it('accepts a code it does not know yet (read later as INTERNAL_ERROR)', () => {
    expectValid(WireErrorSchema, { ...base, code: 'A_FUTURE_CODE' });
  });

  it.each([
    ['a lower-case code', { ...base, code: 'version_mismatch' }, ['code']],
    ['an unknown actor', { ...base, actor: 'god' }, ['actor']],
    ['a stack', { ...base, stack: 'Error\n    at x' }, ['']],
    ['a cause', { ...base, cause: {} }, ['']],
    ['a huge message', { ...base, message: 'x'.repeat(1025) }, ['message']],
    ['details over 4 KiB', { ...base, details: { blob: 'x'.repeat(4096) } }, ['details']],
    ['details that are not JSON', { ...base, details: { f: () => 1 } }, ['details', 'f']],
    ['an error id with spaces', { ...base, errorId: 'a b' }, ['errorId']],
  ])('refuses %s', (_name, value, path) => {
    expectInvalid(WireErrorSchema, value, path);
  });
});
