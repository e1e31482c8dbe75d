import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { INVALID_VECTORS, VALID_VECTORS } from './indicium-vectors.fixture.js';
import { readIndicium } from './read-indicium.js';
import { makeTestIndicium, TEST_FIELDS } from './test-indicium.fixture.js';

function refusal(input: unknown): IndiciumError {
  try {
    readIndicium(input);
  } catch (error) {
    if (error instanceof IndiciumError) return error;
    throw error;
  }
  throw new Error('readIndicium accepted the input');
}

describe('readIndicium', () => {
  it('returns the fields and a private copy of the bytes', () => {
    const input = makeTestIndicium();
    const { bytes, fields } = readIndicium(input);
    expect(fields).toEqual(TEST_FIELDS);
    expect(Buffer.from(bytes).equals(Buffer.from(input))).toBe(true);
    input[0] = 0xff;
    expect(bytes[0]).toBe(0x01);
  });

  it.each(VALID_VECTORS)('reads the protocol vector "$name"', ({ bytes, sample }) => {
    expect(readIndicium(bytes).fields.sample).toBe(sample);
  });

  it.each(INVALID_VECTORS)('refuses the protocol vector "$name" naming $field', ({ bytes, field }) => {
    const error = refusal(bytes);
    expect(error.code).toBe('INDICIUM_MALFORMED');
    expect(error.field).toBe(field);
  });

  it.each([
    ['a string', 'AQEAABCS'],
    ['an array of numbers', Array.from(makeTestIndicium())],
    ['nothing', undefined],
  ])('refuses %s', (_, input) => {
    const error = refusal(input);
    expect(error.code).toBe('INDICIUM_MALFORMED');
    expect(error.field).toBe('indicium');
  });

  it('refuses a reserved flag bit', () => {
    const bytes = makeTestIndicium();
    bytes[49] = 0x03;
    expect(refusal(bytes)).toMatchObject({ code: 'INDICIUM_MALFORMED', field: 'flags' });
  });
});
