import { describe, expect, it } from 'vitest';
import { type Address, addressLines, addressSchema } from './address-schema.js';

const VALID: Address = {
  name: 'Zoë Ñúñez',
  lines: ['12 Main St', 'Apt 4'],
  city: 'Boston',
  state: 'MA',
  zip: '02139-4307',
};

const issuePath = (input: unknown) => {
  const result = addressSchema.safeParse(input);
  return result.success ? null : result.error.issues[0]?.path.join('.');
};

describe('addressSchema', () => {
  it('accepts a Latin-1 address and trims its lines', () => {
    expect(addressSchema.parse({ ...VALID, name: '  Zoë Ñúñez ' })).toEqual(VALID);
  });

  it.each([
    [{ ...VALID, name: '' }, 'name'],
    [{ ...VALID, name: 'A'.repeat(41) }, 'name'],
    [{ ...VALID, name: 'Bell\u0007' }, 'name'],
    [{ ...VALID, name: 'Tab\there' }, 'name'],
    [{ ...VALID, name: '東京' }, 'name'],
    [{ ...VALID, lines: [] }, 'lines'],
    [{ ...VALID, lines: ['1', '2', '3', '4'] }, 'lines'],
    [{ ...VALID, lines: ['ok', '\u2028'] }, 'lines.1'],
    [{ ...VALID, state: 'ma' }, 'state'],
    [{ ...VALID, zip: '0213' }, 'zip'],
    [{ ...VALID, zip: '02139-43' }, 'zip'],
    [{ ...VALID, country: 'US' }, ''],
  ])('refuses %j at %s', (input, path) => {
    expect(issuePath(input)).toBe(path);
  });
});

describe('addressLines', () => {
  it('prints name, delivery lines, then CITY ST ZIP', () => {
    expect(addressLines(VALID)).toEqual(['Zoë Ñúñez', '12 Main St', 'Apt 4', 'Boston MA 02139-4307']);
  });
});
