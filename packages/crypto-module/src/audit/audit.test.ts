import { verify } from 'node:crypto';
import { type AuditEntry, AuditKeyLayout, fromBase64, type ModuleStatus } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { faultWhenArmed } from '../dangerous/fault-injection.js';
import { verifyStatus } from '../host/verify-status.js';
import { KeyCache } from '../keys/key-cache.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import {
  bootHarness,
  expectOk,
  logon,
  MODULE_SERIAL,
  OFFICERS,
  operationalHarness,
  status,
} from '../testing/module-harness.js';
import { type AuditProblemKind, verifyAuditChain } from './verify-audit-chain.js';

const keys = new KeyCache();

/** A real log: an Operational module, twenty more entries, a reboot, a few more. */
async function realLog() {
  const nvm = new MemoryNvmStore();
  const h = await operationalHarness({ nvm });
  for (let i = 0; i < 10; i++) {
    await logon(h.client, OFFICERS.kc1);
    await h.client.call('logoff');
  }
  await logon(h.client, OFFICERS.auditor);
  const exported = (await h.client.call('export-audit-key')) as { auditPublicKey: string; signature: string };
  await h.client.call('logoff');
  const rebooted = await bootHarness({ nvm, audit: h.audit });
  expectOk(await rebooted.dispatch({ command: 'create-audit-entry', body: { reason: 'after boot' } }));
  const head = verifyStatus(expectOk(await rebooted.dispatch({ command: 'get-status' })), h.modulePublicKey);
  return { entries: [...h.audit], exported, head, modulePublicKey: h.modulePublicKey };
}

function kinds(entries: readonly unknown[], key: string, head?: ModuleStatus): [number, AuditProblemKind][] {
  return verifyAuditChain(entries, key, {
    moduleSerial: MODULE_SERIAL,
    ...(head === undefined ? {} : { head }),
  }).problems.map((p) => [p.index, p.kind]);
}

describe('audit chain (DESIGN §3.5)', () => {
  let log: Awaited<ReturnType<typeof realLog>>;
  let key: string;
  beforeAll(async () => {
    log = await realLog();
    key = log.exported.auditPublicKey;
  });

  it('Export Audit Key gives the audit public key signed by the module key', () => {
    const message = AuditKeyLayout.encode({ moduleSerial: MODULE_SERIAL, auditPublicKey: fromBase64(key) });
    const moduleKey = keys.publicKey(log.modulePublicKey);
    expect(
      verify(
        'sha256',
        message,
        { key: moduleKey, dsaEncoding: 'ieee-p1363' },
        fromBase64(log.exported.signature),
      ),
    ).toBe(true);
  });

  it('a whole real log verifies against the signed head', () => {
    expect(log.entries.length).toBeGreaterThan(20);
    expect(log.entries.map((e) => e.sequence)).toEqual(log.entries.map((_, i) => i));
    expect(verifyAuditChain(log.entries, key, { moduleSerial: MODULE_SERIAL, head: log.head })).toEqual({
      valid: true,
      problems: [],
    });
  });

  it('signs commands that affect the module, the first entry after a boot and at least every 16th', () => {
    const signed = (e: AuditEntry) => e.signature !== null;
    expect(
      log.entries.filter((e) => e.command === 'begin-admin' || e.command === 'generate-mks').every(signed),
    ).toBe(true);
    expect(log.entries[0]).toMatchObject({ command: 'start-initialization', sequence: 0 });
    expect(signed(log.entries[0] as AuditEntry)).toBe(true);
    const firstAfterBoot = log.entries.find((e) => e.bootCount === 1);
    expect(firstAfterBoot?.signature).not.toBeNull();
    let run = 0;
    for (const e of log.entries) {
      run = signed(e) ? 0 : run + 1;
      expect(run).toBeLessThan(16);
    }
    expect(log.entries.some((e) => !signed(e))).toBe(true);
  });

  it('never carries secrets in entry data', () => {
    const text = JSON.stringify(log.entries);
    for (const officer of Object.values(OFFICERS)) expect(text).not.toContain(officer.password);
  });

  const edit = (i: number, change: Partial<AuditEntry>) =>
    log.entries.map((e, j) => (j === i ? { ...e, ...change } : e));

  it('detects an edited unsigned entry by the next entry’s chain link', () => {
    const i = log.entries.findIndex((e, j) => j > 0 && e.signature === null);
    expect(kinds(edit(i, { data: { userId: 'someone-else' } }), key)).toEqual([[i + 1, 'chain-break']]);
  });

  it('detects an edited signed entry by its signature too', () => {
    const i = log.entries.findIndex((e, j) => j > 0 && e.signature !== null);
    expect(kinds(edit(i, { time: 1 }), key)).toEqual([
      [i, 'bad-signature'],
      [i + 1, 'chain-break'],
    ]);
  });

  it('detects the last entry edited, given the signed head', () => {
    const last = log.entries.length - 1;
    expect(kinds(edit(last, { reasonCode: 'LOGON_FAILED' }), key, log.head)).toEqual([
      [last, 'bad-signature'],
      [last + 1, 'truncated'],
    ]);
  });

  it('detects reordered, removed and inserted entries', () => {
    const swapped = [...log.entries];
    [swapped[5], swapped[6]] = [swapped[6] as AuditEntry, swapped[5] as AuditEntry];
    expect(kinds(swapped, key).map(([, k]) => k)).toContain('sequence-gap');
    const removed = log.entries.filter((_, j) => j !== 7);
    expect(kinds(removed, key)).toEqual([
      [7, 'sequence-gap'],
      [7, 'chain-break'],
    ]);
    const inserted = [...log.entries.slice(0, 8), log.entries[3], ...log.entries.slice(8)];
    const found = kinds(inserted, key);
    expect(found).toContainEqual([8, 'sequence-gap']);
    expect(found).toContainEqual([9, 'sequence-gap']);
    expect(found).toContainEqual([9, 'chain-break']);
  });

  it('detects a truncated log against the signed head, and only then', () => {
    const cut = log.entries.slice(0, -2);
    expect(kinds(cut, key, log.head)).toEqual([[cut.length, 'truncated']]);
    expect(kinds(cut, key)).toEqual([]);
    expect(kinds([], key, log.head)).toEqual([[0, 'truncated']]);
  });

  it('detects a stripped signature, a wrong key, a foreign entry and garbage', () => {
    const i = log.entries.findIndex((e) => e.command === 'generate-mks');
    expect(i).toBeGreaterThan(0);
    // The first problem is the stripped entry (later ones follow from the longer unsigned run).
    expect(kinds(edit(i, { signature: null }), key)[0]).toEqual([i, 'missing-signature']);
    const wrongKey = log.modulePublicKey;
    const problems = kinds(log.entries, wrongKey);
    expect(problems.length).toBe(log.entries.filter((e) => e.signature !== null).length);
    expect(problems.every(([, k]) => k === 'bad-signature')).toBe(true);
    expect(kinds(edit(2, { moduleSerial: 'OTHER' }), key)).toContainEqual([2, 'wrong-module']);
    expect(kinds([...log.entries.slice(0, 3), { nonsense: true }], key)).toEqual([[3, 'malformed']]);
  });
});

describe('a failed audit entry puts the module in Error (DESIGN §3.5)', () => {
  it('before the chain moved: non-fatal Error, nothing written, a reboot recovers with an intact chain', async () => {
    const nvm = new MemoryNvmStore();
    const faults = faultWhenArmed('audit-sign');
    const h = await operationalHarness({ nvm, faults });
    faults.arm('logon');
    const writes = nvm.writes;
    const outcome = await h.client.send('logon', { userId: 'kc1', password: OFFICERS.kc1.password });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'AUDIT_FAILURE' } });
    expect(outcome.audit).toBeUndefined();
    expect(nvm.writes).toBe(writes);
    expect(await status(h)).toMatchObject({
      currentState: 'E',
      persistentState: 'O',
      errorCode: 'AUDIT_FAILURE',
    });
    expect(await h.client.call('query-role')).toEqual({ role: null });
    expect(await h.client.send('generate-mks', {})).toMatchObject({
      ok: false,
      error: { code: 'MODULE_ERROR_STATE' },
    });
    const again = await bootHarness({ nvm, audit: h.audit });
    expect(await status(again)).toMatchObject({ currentState: 'O', errorCode: null });
    expectOk(await again.dispatch({ command: 'create-audit-entry', body: {} }));
    const head = await status(again);
    const auditKey = JSON.parse(nvm.text ?? '{}').sections.module.auditPublicKey as string;
    expect(verifyAuditChain(h.audit, auditKey, { head: head as ModuleStatus }).valid).toBe(true);
  });

  it('after the chain moved: fatal Error that survives a reboot, and the auditor sees the gap', async () => {
    const nvm = new MemoryNvmStore();
    const faults = faultWhenArmed('audit-after-chain');
    const h = await operationalHarness({ nvm, faults });
    faults.arm('logon');
    const outcome = await h.client.send('logon', { userId: 'kc1', password: OFFICERS.kc1.password });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'AUDIT_FAILURE' } });
    expect(await status(h)).toMatchObject({ currentState: 'E', persistentState: 'E', fatal: true });
    const again = await bootHarness({ nvm });
    const head = verifyStatus(expectOk(await again.dispatch({ command: 'get-status' })), h.modulePublicKey);
    expect(head).toMatchObject({ currentState: 'E', errorCode: 'AUDIT_FAILURE' });
    const auditKey = JSON.parse(nvm.text ?? '{}').sections.module.auditPublicKey as string;
    expect(verifyAuditChain(h.audit, auditKey, { head }).problems.map((p) => p.kind)).toEqual(['truncated']);
    // Create Audit Entry still works in Error (DESIGN §3.3: all but U) and says where the chain stands.
    const entry = await again.dispatch({ command: 'create-audit-entry', body: { reason: 'post-mortem' } });
    expect(entry.audit).toMatchObject({ currentState: 'E', signatureRequired: true });
  });
});
