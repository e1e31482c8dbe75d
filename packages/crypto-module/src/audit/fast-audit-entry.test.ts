import { encodeAuditEntry, IndiciumError, MODULE_STATES, OFFICER_ROLES } from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastAuditEntryBytes } from './fast-audit-entry.js';

const entry = fc.record({
  moduleSerial: fc.string({ minLength: 1, maxLength: 64 }),
  sequence: fc.nat(),
  previousHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
  softwarePart: fc.string({ minLength: 1, maxLength: 64 }),
  softwareVersion: fc.string({ minLength: 1, maxLength: 32 }),
  bootCount: fc.nat(),
  command: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  userId: fc.option(fc.string({ maxLength: 64 }), { nil: null }),
  role: fc.option(fc.constantFrom(...OFFICER_ROLES), { nil: null }),
  currentState: fc.constantFrom(...MODULE_STATES),
  persistentState: fc.constantFrom(...MODULE_STATES),
  time: fc.nat(),
  reasonCode: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/),
  data: fc.dictionary(fc.string({ maxLength: 16 }), fc.string({ maxLength: 40 }), { maxKeys: 8 }),
  signatureRequired: fc.boolean(),
});

describe('fastAuditEntryBytes', () => {
  it('is encodeAuditEntry byte for byte (so the chain hash and signatures do not change)', () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(Buffer.from(fastAuditEntryBytes(e)).equals(Buffer.from(encodeAuditEntry(e)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('stays the reference when entries of several modules and software versions alternate', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 2, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (es, order) => {
          for (const i of order) {
            const e = es[i % es.length] as (typeof es)[number];
            expect(Buffer.from(fastAuditEntryBytes(e)).equals(Buffer.from(encodeAuditEntry(e)))).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a field of the wrong type as the reference does', () => {
    const base = fc.sample(entry, { numRuns: 1, seed: 3 })[0];
    if (base === undefined) throw new Error('no sample');
    for (const [field, value] of [
      ['sequence', -1],
      ['time', 1.5],
      ['command', 7],
      ['userId', '\ud800'],
      ['signatureRequired', 'yes'],
    ] as const) {
      const bad = { ...base, [field]: value } as unknown as typeof base;
      expect(() => encodeAuditEntry(bad)).toThrow(expect.objectContaining({ code: 'INVALID_FIELD' }));
      expect(() => fastAuditEntryBytes(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_FIELD', field }),
      );
    }
  });

  it('sorts data keys by UTF-16 code units whatever order they were added in', () => {
    const base = fc.sample(entry, { numRuns: 1, seed: 1 })[0];
    if (base === undefined) throw new Error('no sample');
    const a = { ...base, data: { b: '2', a: '1', é: '3', Z: '4' } };
    const b = { ...base, data: { Z: '4', é: '3', a: '1', b: '2' } };
    expect(fastAuditEntryBytes(a).equals(fastAuditEntryBytes(b))).toBe(true);
    expect(fastAuditEntryBytes(a).equals(Buffer.from(encodeAuditEntry(a)))).toBe(true);
  });

  it('refuses a previous hash that is not canonical base64, as the reference does', () => {
    const base = fc.sample(entry, { numRuns: 1, seed: 2 })[0];
    if (base === undefined) throw new Error('no sample');
    const bad = { ...base, previousHash: `${'A'.repeat(42)}B=` };
    expect(() => encodeAuditEntry(bad)).toThrow(IndiciumError);
    expect(() => fastAuditEntryBytes(bad)).toThrow(expect.objectContaining({ code: 'MALFORMED_REQUEST' }));
  });
});
