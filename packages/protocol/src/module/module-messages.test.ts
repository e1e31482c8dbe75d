import { describe, expect, it } from 'vitest';
import { decodeCanonical } from '../canonical/canonical-encoding.js';
import { type AuditEntry, AuditEntrySchema, encodeAuditEntry } from './audit-entry.js';
import { ModuleRequestSchema } from './module-envelope.js';
import { InitializeAccessControlRequestSchema, LogonRequestSchema } from './officer-messages.js';
import { SessionMessageLayout } from './session-messages.js';

const ENTRY: AuditEntry = {
  moduleSerial: 'M1',
  sequence: 3,
  previousHash: Buffer.alloc(32, 7).toString('base64'),
  softwarePart: 'indicium-crypto-module',
  softwareVersion: '0.1.0',
  bootCount: 1,
  command: 'logon',
  userId: null,
  role: null,
  currentState: 'O',
  persistentState: 'O',
  time: 1_767_225_600_000,
  reasonCode: 'LOGON_FAILED',
  data: { userId: 'kc1', b: 'x' },
  signatureRequired: false,
  signature: null,
};

describe('vault ↔ module messages', () => {
  it('an audit entry encodes its data independent of key order, and every field counts', () => {
    const a = encodeAuditEntry(ENTRY);
    const b = encodeAuditEntry({ ...ENTRY, data: { b: 'x', userId: 'kc1' } });
    expect(b).toEqual(a);
    const decoded = decodeCanonical(a);
    expect(decoded.label).toBe('indicium/module/audit-entry/v1');
    expect(decoded.values).toHaveLength(15);
    const variants: Partial<AuditEntry>[] = [
      { sequence: 4 },
      { bootCount: 2 },
      { userId: 'kc1' },
      { reasonCode: 'OK' },
      { data: { userId: 'kc2', b: 'x' } },
      { data: { userId: 'kc1' } },
      { signatureRequired: true },
      { persistentState: 'A' },
    ];
    for (const v of variants) expect(encodeAuditEntry({ ...ENTRY, ...v })).not.toEqual(a);
    expect(AuditEntrySchema.parse(ENTRY)).toEqual(ENTRY);
    expect(AuditEntrySchema.safeParse({ ...ENTRY, extra: 1 }).success).toBe(false);
    expect(AuditEntrySchema.safeParse({ ...ENTRY, previousHash: 'AAAA' }).success).toBe(false);
  });

  it('a session MAC input separates direction, counter, command and encryption', () => {
    const base = {
      sessionId: new Uint8Array(16),
      direction: 'request',
      counter: 1,
      command: 'logon',
      encrypted: true,
      payload: new Uint8Array([1, 2]),
    };
    const a = SessionMessageLayout.encode(base);
    for (const v of [{ direction: 'answer' }, { counter: 2 }, { command: 'logoff' }, { encrypted: false }]) {
      expect(SessionMessageLayout.encode({ ...base, ...v })).not.toEqual(a);
    }
  });

  it('requests are strict: no unknown field, no sealed message without its MAC', () => {
    expect(ModuleRequestSchema.safeParse({ command: 'get-status' }).success).toBe(true);
    expect(ModuleRequestSchema.safeParse({ command: 'Get-Status' }).success).toBe(false);
    expect(ModuleRequestSchema.safeParse({ command: 'x', sealed: { sessionId: 'AAAA' } }).success).toBe(
      false,
    );
    const pw = Buffer.alloc(32, 1).toString('base64');
    expect(LogonRequestSchema.safeParse({ userId: 'so', password: pw }).success).toBe(true);
    expect(LogonRequestSchema.safeParse({ userId: 'so', password: 'AAAA' }).success).toBe(false);
    expect(LogonRequestSchema.safeParse({ userId: 'SO!', password: pw }).success).toBe(false);
    expect(InitializeAccessControlRequestSchema.safeParse({ accounts: [] }).success).toBe(false);
  });
});
