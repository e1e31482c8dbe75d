import { generateKeyPairSync } from 'node:crypto';
import { type AuditEntry, toBase64 } from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAuditSection } from './audit-section.js';
import { auditEntryHash, makeAuditEntry } from './make-audit-entry.js';
import { verifyAuditChain } from './verify-audit-chain.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A chain made by the module's own entry maker: N entries, signing rule every 4th. */
function chain(length: number): AuditEntry[] {
  let section = { ...emptyAuditSection(), signEvery: 4 };
  const entries: AuditEntry[] = [];
  for (let i = 0; i < length; i++) {
    const made = makeAuditEntry(
      section,
      {
        moduleSerial: 'M1',
        softwarePart: 'p',
        softwareVersion: '1',
        bootCount: 0,
        command: 'logon',
        userId: null,
        role: null,
        currentState: 'O',
        persistentState: 'O',
        time: 1000 + i,
        reasonCode: 'OK',
        data: { i: String(i) },
      },
      i === 0 || section.sinceSigned + 1 >= section.signEvery,
      privateKey,
    );
    entries.push(made.entry);
    section = made.section;
  }
  return entries;
}

const log = chain(24);

describe('verifyAuditChain (property)', () => {
  it('accepts the untouched chain', () => {
    expect(verifyAuditChain(log, publicKey, { signEvery: 4 }).valid).toBe(true);
  });

  it('verifies a log in parts, each part from the head of the one before', () => {
    const cut = 10;
    const firstHead = { auditSequence: cut, auditHead: toBase64(auditEntryHash(log[cut - 1] as AuditEntry)) };
    expect(verifyAuditChain(log.slice(0, cut), publicKey, { signEvery: 4, head: firstHead }).valid).toBe(
      true,
    );
    expect(verifyAuditChain(log.slice(cut), publicKey, { signEvery: 4, after: firstHead }).valid).toBe(true);
    // Without `after`, a part that does not start the chain is a removed prefix.
    expect(verifyAuditChain(log.slice(cut), publicKey, { signEvery: 4 }).problems).toEqual([
      { index: 0, kind: 'sequence-gap' },
      { index: 0, kind: 'chain-break' },
    ]);
  });

  it('rejects the chain with any non-empty set of entries removed before its last entry', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: log.length - 2 }), { minLength: 1 }),
        (removed) => {
          const kept = log.filter((_, i) => !removed.includes(i));
          expect(verifyAuditChain(kept, publicKey, { signEvery: 4 }).valid).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects any two entries swapped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: log.length - 1 }),
        fc.integer({ min: 0, max: log.length - 1 }),
        (a, b) => {
          fc.pre(a !== b);
          const swapped = [...log];
          [swapped[a], swapped[b]] = [swapped[b] as AuditEntry, swapped[a] as AuditEntry];
          expect(verifyAuditChain(swapped, publicKey, { signEvery: 4 }).valid).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects any edited field of any entry but the last (and the last too, given the head)', () => {
    const head = { auditSequence: log.length, auditHead: '' };
    const last = log[log.length - 1] as AuditEntry;
    const verified = verifyAuditChain(log, publicKey, { signEvery: 4, head: { ...head, auditHead: 'x' } });
    expect(verified.problems.map((p) => p.kind)).toEqual(['truncated']);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: log.length - 1 }),
        fc.constantFrom('time', 'reasonCode', 'command', 'userId', 'data', 'currentState'),
        (i, field) => {
          const edits: Partial<Record<string, unknown>> = {
            time: 1,
            reasonCode: 'LOGON_FAILED',
            command: 'reset',
            userId: 'mallory',
            data: { i: 'forged' },
            currentState: 'A',
          };
          const edited = log.map((e, j) => (j === i ? { ...e, [field]: edits[field] } : e));
          const result = verifyAuditChain(edited, publicKey, { signEvery: 4 });
          if (i < log.length - 1 || last.signature !== null) expect(result.valid).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
