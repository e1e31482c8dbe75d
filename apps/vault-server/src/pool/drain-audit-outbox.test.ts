import type { AuditEntry, ModuleOutcome } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { drainAuditOutbox } from './drain-audit-outbox.js';

/** The module's answers as they cross the thread boundary (any shape a worker could post back). */
function answering(read: unknown) {
  const sent: { command: string; body: unknown }[] = [];
  const stored: AuditEntry[] = [];
  return {
    sent,
    stored,
    dispatch: async (request: { command: string; body: unknown }): Promise<ModuleOutcome> => {
      sent.push(request);
      return { ok: true, result: read } as ModuleOutcome;
    },
    store: async (entries: readonly AuditEntry[]) => {
      stored.push(...entries);
    },
  };
}

const HEAD = Buffer.alloc(32, 1).toString('base64');

describe('drainAuditOutbox: what the module answers is checked before anything is stored or acknowledged', () => {
  it.each([
    ['no entries list', { nextSequence: 3, headHash: 'AAAA' }],
    ['an entry out of shape', { entries: [{ sequence: 'x' }], nextSequence: 3, headHash: 'AAAA' }],
    ['a negative next sequence', { entries: [], nextSequence: -2, headHash: HEAD }],
    ['a head hash not of 32 bytes', { entries: [], nextSequence: 3, headHash: 'AAAA' }],
  ])('%s: AUDIT_FAILURE, nothing stored, no acknowledgement', async (_name, read) => {
    const module = answering(read);
    await expectIndiciumRejection(() => drainAuditOutbox(module.dispatch, module.store), {
      code: 'AUDIT_FAILURE',
    });
    expect(module.stored).toEqual([]);
    expect(module.sent.map((r) => r.command)).toEqual(['read-audit-outbox']);
  });

  it('a well-formed outbox is stored, then acknowledged through its last entry by the head hash', async () => {
    const entry: AuditEntry = {
      moduleSerial: 'M0001',
      sequence: 2,
      previousHash: Buffer.alloc(32).toString('base64'),
      softwarePart: 'indicium-software-module',
      softwareVersion: '0.1.0',
      bootCount: 1,
      command: 'create-audit-entry',
      userId: null,
      role: null,
      currentState: 'O',
      persistentState: 'O',
      time: 1_700_000_000_000,
      reasonCode: 'OK',
      data: {},
      signatureRequired: false,
      signature: null,
    };
    const module = answering({ entries: [entry], nextSequence: 3, headHash: HEAD });
    expect(await drainAuditOutbox(module.dispatch, module.store)).toEqual({
      stored: 1,
      through: 2,
      headHash: HEAD,
    });
    expect(module.stored).toEqual([entry]);
    expect(module.sent.at(-1)).toEqual({ command: 'acknowledge-audit', body: { through: 2, hash: HEAD } });
  });
});
