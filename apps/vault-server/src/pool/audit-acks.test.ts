import type { AuditEntry } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { auditEntryHash, createAuditAcks } from './audit-acks.js';

/** A chain of real-shaped entries (hashes linked as a module links them). */
function chain(count: number, bootCount = 1): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let previousHash = Buffer.alloc(32).toString('base64');
  for (let sequence = 0; sequence < count; sequence++) {
    const entry: AuditEntry = {
      moduleSerial: 'M0001',
      sequence,
      previousHash,
      softwarePart: 'indicium-software-module',
      softwareVersion: '0.1.0',
      bootCount,
      command: 'create-audit-entry',
      userId: null,
      role: null,
      currentState: 'O',
      persistentState: 'O',
      time: 1_700_000_000_000 + sequence,
      reasonCode: 'OK',
      data: {},
      signatureRequired: false,
      signature: null,
    };
    entries.push(entry);
    previousHash = auditEntryHash(entry);
  }
  return entries;
}

function recorder(fail = false) {
  const sent: { serial: string; through: number; hash: string }[] = [];
  const errors: unknown[] = [];
  const acks = createAuditAcks({
    every: 4,
    delayMs: 20,
    logger: { info: () => undefined, error: (fields) => errors.push(fields) },
    send: async (serial, through, hash) => {
      sent.push({ serial, through, hash });
      if (fail) throw new Error('module gone');
    },
  });
  return { acks, sent, errors };
}

const entries = chain(12);
const at = (i: number) => entries[i] as AuditEntry;

describe('audit acknowledgements (the outbox of crypto-module README "Audit")', () => {
  it('acknowledge nothing before start, then the longest consecutive run, by the hash of its last entry', async () => {
    const { acks, sent } = recorder();
    acks.stored('M0001', entries.slice(0, 6));
    await acks.flush();
    expect(sent).toEqual([]);
    acks.start('M0001', 1);
    acks.stored('M0001', [at(2), at(3), at(5)]);
    await acks.flush();
    // 4 is missing: 5 waits.
    expect(sent).toEqual([{ serial: 'M0001', through: 3, hash: auditEntryHash(at(3)) }]);
    acks.stored('M0001', [at(4)]);
    await acks.flush();
    expect(sent.at(-1)).toEqual({ serial: 'M0001', through: 5, hash: auditEntryHash(at(5)) });
    // Entries already acknowledged change nothing.
    acks.stored('M0001', [at(2), at(5)]);
    await acks.flush();
    expect(sent).toHaveLength(2);
  });

  it('batch: one ack in flight per module, once `every` entries wait; fewer go after the delay', async () => {
    const { acks, sent } = recorder();
    acks.start('M0001', -1);
    for (let i = 0; i < 10; i++) acks.stored('M0001', [at(i)]);
    // The first ack left at entry 3; 4…9 arrived while it was in flight and go in one more.
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.through)).toEqual([3, 9]);
    acks.stored('M0001', [at(10)]);
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.through)).toEqual([3, 9]);
    await new Promise((r) => setTimeout(r, 60));
    expect(sent.map((s) => s.through)).toEqual([3, 9, 10]);
  });

  it('an entry 0 is a new chain (a Reset, then Start Initialization): the run starts again', async () => {
    const { acks, sent } = recorder();
    acks.start('M0001', 9);
    acks.stored('M0001', [at(0), at(1)]);
    await acks.flush();
    expect(sent).toEqual([{ serial: 'M0001', through: 1, hash: auditEntryHash(at(1)) }]);
  });

  it('acknowledges only entries that extend the chain it follows: a new chain whose entry 0 was never stored drops nothing', async () => {
    // The run follows the old chain through 5; after a Reset the new chain's entry 0 failed to
    // store, its entries 1…5 look acknowledged already, and 6…9 arrive: acking 9 by its own hash
    // would drop the new entry 0 from the outbox, never stored.
    const { acks, sent, errors } = recorder();
    const renewed = chain(12, 2);
    acks.start('M0001', 5, auditEntryHash(at(5)));
    acks.stored('M0001', renewed.slice(1, 10));
    await acks.flush();
    expect(sent).toEqual([]);
    expect(errors).toHaveLength(1);
    // The run stays stopped until the next drain starts it again.
    acks.stored('M0001', renewed.slice(10, 12));
    await acks.flush();
    expect(sent).toEqual([]);
    acks.start('M0001', 9, auditEntryHash(renewed[9] as AuditEntry));
    acks.stored('M0001', renewed.slice(10, 12));
    await acks.flush();
    expect(sent).toEqual([{ serial: 'M0001', through: 11, hash: auditEntryHash(renewed[11] as AuditEntry) }]);
  });

  it('a run started after entry 5 takes 6 only if it names 5 as its previous entry', async () => {
    const { acks, sent } = recorder();
    const other = chain(12, 2);
    acks.start('M0001', 5, auditEntryHash(at(5)));
    acks.stored('M0001', [other[6] as AuditEntry]);
    await acks.flush();
    expect(sent).toEqual([]);
    acks.start('M0001', 5, auditEntryHash(at(5)));
    acks.stored('M0001', [at(6)]);
    await acks.flush();
    expect(sent).toEqual([{ serial: 'M0001', through: 6, hash: auditEntryHash(at(6)) }]);
  });

  it('a failed ack is logged and tried again later; forget stops a module', async () => {
    const { acks, sent, errors } = recorder(true);
    acks.start('M0001', -1);
    acks.stored('M0001', entries.slice(0, 2));
    await acks.flush();
    expect(errors).toHaveLength(1);
    await acks.flush();
    expect(sent.map((s) => s.through)).toEqual([1, 1]);
    acks.forget('M0001');
    acks.stored('M0001', [at(2)]);
    await acks.flush();
    expect(sent).toHaveLength(2);
  });
});
