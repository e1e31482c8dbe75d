import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEntry, type ModuleOutcome, toBase64 } from '@indicium/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { FileNvmStore } from '../nvm/file-nvm-store.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import {
  bootHarness,
  expectOk,
  type Harness,
  MODULE_SERIAL,
  operationalHarness,
} from '../testing/module-harness.js';
import { AUDIT_OUTBOX_LIMIT } from './audit-section.js';
import { auditEntryHash } from './make-audit-entry.js';
import { verifyAuditChain } from './verify-audit-chain.js';

interface Outbox {
  readonly entries: AuditEntry[];
  readonly nextSequence: number;
  readonly headHash: string;
}

async function outbox(h: Pick<Harness, 'dispatch'>): Promise<Outbox> {
  return expectOk(await h.dispatch({ command: 'read-audit-outbox', body: {} })) as Outbox;
}

function hashOf(entry: AuditEntry): string {
  return toBase64(auditEntryHash(entry));
}

function ack(h: Pick<Harness, 'dispatch'>, through: number, hash: string): Promise<ModuleOutcome> {
  return h.dispatch({ command: 'acknowledge-audit', body: { through, hash } });
}

function entryAt(h: Harness, sequence: number): AuditEntry {
  const entry = h.audit.find((e) => e.sequence === sequence);
  if (entry === undefined) throw new Error(`no entry ${sequence}`);
  return entry;
}

async function makeEntries(h: Harness, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    expectOk(await h.dispatch({ command: 'create-audit-entry', body: { reason: `entry ${i}` } }));
  }
}

/** The audit public key, as the Auditor would export it (read here from the test's own NVM). */
function auditKeyOf(nvm: MemoryNvmStore): string {
  const image = JSON.parse(nvm.text ?? 'null') as { sections: { module: { auditPublicKey: string } } };
  return image.sections.module.auditPublicKey;
}

function refusal(outcome: ModuleOutcome): { code: string; field?: string } {
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome.error;
}

describe('the audit outbox (DESIGN §3.5: no entry is lost before the host stored it)', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
  });

  it('keeps every entry the module made, in order, ending at the chain head', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    const before = await outbox(h);
    expect(before.entries).toEqual(h.audit);
    expect(before.entries[0]?.sequence).toBe(0);
    await makeEntries(h, 3);
    const after = await outbox(h);
    expect(after.entries).toHaveLength(before.entries.length + 3);
    expect(after.entries).toEqual(h.audit);
    expect(after.nextSequence).toBe(h.audit.length);
    const last = h.audit.at(-1) as AuditEntry;
    expect(after.headHash).toBe(hashOf(last));
    // What the outbox holds is a chain the auditor accepts as it is.
    const head = { auditSequence: after.nextSequence, auditHead: after.headHash };
    expect(
      verifyAuditChain(after.entries, auditKeyOf(nvm), { moduleSerial: MODULE_SERIAL, head }).problems,
    ).toEqual([]);
  });

  it('an ack drops exactly the entries through N, and writes that once', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    await makeEntries(h, 4);
    const all = await outbox(h);
    const n = (all.entries[2] as AuditEntry).sequence;
    const writes = nvm.writes;
    const answer = expectOk(await ack(h, n, hashOf(entryAt(h, n))));
    expect(answer).toEqual({ dropped: 3, pending: all.entries.length - 3 });
    expect(nvm.writes).toBe(writes + 1);
    const left = await outbox(h);
    expect(left.entries).toEqual(all.entries.slice(3));
    expect(left.entries[0]?.sequence).toBe(n + 1);
    // Through the last entry: named by the chain head.
    const last = h.audit.at(-1) as AuditEntry;
    expect(expectOk(await ack(h, last.sequence, left.headHash))).toEqual({
      dropped: left.entries.length,
      pending: 0,
    });
    expect((await outbox(h)).entries).toEqual([]);
  });

  it('an ack of entries already dropped (a retry) drops nothing and writes nothing', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    const first = entryAt(h, 0);
    expectOk(await ack(h, 2, hashOf(entryAt(h, 2))));
    const writes = nvm.writes;
    const pending = (await outbox(h)).entries.length;
    expect(expectOk(await ack(h, 0, hashOf(first)))).toEqual({ dropped: 0, pending });
    expect(nvm.writes).toBe(writes);
  });

  it('an ack naming the wrong hash is refused (field hash) and drops nothing', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    await makeEntries(h, 2);
    const all = await outbox(h);
    const writes = nvm.writes;
    // Another entry's hash, and a hash that is no entry's at all.
    for (const hash of [hashOf(entryAt(h, 1)), toBase64(new Uint8Array(32).fill(7))]) {
      expect(refusal(await ack(h, 3, hash))).toMatchObject({ code: 'INVALID_FIELD', field: 'hash' });
    }
    expect(nvm.writes).toBe(writes);
    expect(await outbox(h)).toEqual(all);
  });

  it('an ack of an entry never made is refused (field through) and drops nothing', async () => {
    const h = await operationalHarness();
    const all = await outbox(h);
    expect(refusal(await ack(h, all.nextSequence, all.headHash))).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'through',
    });
    expect(await outbox(h)).toEqual(all);
  });

  it('a malformed ack is refused by the schema', async () => {
    const h = await operationalHarness();
    for (const body of [
      { through: -1, hash: toBase64(new Uint8Array(32)) },
      { through: 0, hash: toBase64(new Uint8Array(31)) },
      { through: 0 },
      { through: 0, hash: toBase64(new Uint8Array(32)), extra: 1 },
    ]) {
      expect(refusal(await h.dispatch({ command: 'acknowledge-audit', body })).code).toBe(
        'MALFORMED_REQUEST',
      );
    }
  });

  it('survives a reboot over a file NVM: a host that lost the answers finds the entries', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'outbox-'));
    folders.push(folder);
    const options = {
      path: join(folder, 'm.nvm'),
      storageKey: new Uint8Array(32).fill(3),
      moduleSerial: MODULE_SERIAL,
    };
    const h = await operationalHarness({ nvm: new FileNvmStore(options) });
    expectOk(await ack(h, 1, hashOf(entryAt(h, 1))));
    await makeEntries(h, 2);
    const kept = await outbox(h);
    // The host "crashes": a new module over the same file, the host's memory gone.
    const rebooted = await bootHarness({ nvm: new FileNvmStore(options), audit: [] });
    const found = await outbox(rebooted);
    expect(found).toEqual(kept);
    expect(found.entries[0]?.sequence).toBe(2);
    expect(found.entries.at(-1)).toEqual(h.audit.at(-1));
    // Booting made no entry, so reading cost none either.
    expect(rebooted.audit).toEqual([]);
  });

  it('an image written before the outbox existed boots with an empty one and keeps entries from then on', async () => {
    const before = new MemoryNvmStore();
    await operationalHarness({ nvm: before });
    const image = JSON.parse(before.text ?? 'null') as { sections: { audit: { outbox?: unknown } } };
    delete image.sections.audit.outbox;
    const old = new MemoryNvmStore();
    await old.save(image as never);
    expect(old.text).not.toContain('"outbox"');
    const h = await bootHarness({ nvm: old, audit: [] });
    expect((await outbox(h)).entries).toEqual([]);
    await makeEntries(h, 1);
    const after = await outbox(h);
    expect(after.entries).toHaveLength(1);
    expect(after.entries[0]).toEqual(h.audit.at(-1));
  });

  it('when full, refuses every command that would make an entry (nothing changes); a drain brings it back', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    await makeEntries(h, AUDIT_OUTBOX_LIMIT - (await outbox(h)).entries.length);
    const full = await outbox(h);
    expect(full.entries).toHaveLength(AUDIT_OUTBOX_LIMIT);
    const writes = nvm.writes;
    for (const request of [
      { command: 'create-audit-entry', body: {} },
      { command: 'open-session', body: {} },
      { command: 'reset' },
    ]) {
      const outcome = await h.dispatch(request);
      expect(refusal(outcome).code).toBe('AUDIT_OUTBOX_FULL');
      expect(outcome.audit).toBeUndefined();
    }
    expect(nvm.writes).toBe(writes);
    expect(await outbox(h)).toEqual(full);
    // Commands that make no entry still run: the host can see why and drain.
    expect(expectOk(await h.dispatch({ command: 'get-status' }))).toMatchObject({ currentState: 'O' });
    const oldest = full.entries[0] as AuditEntry;
    expectOk(await ack(h, oldest.sequence, hashOf(oldest)));
    expectOk(await h.dispatch({ command: 'create-audit-entry', body: { reason: 'room again' } }));
    expect(refusal(await h.dispatch({ command: 'create-audit-entry', body: {} })).code).toBe(
      'AUDIT_OUTBOX_FULL',
    );
    const last = h.audit.at(-1) as AuditEntry;
    expect(expectOk(await ack(h, last.sequence, hashOf(last)))).toEqual({
      dropped: AUDIT_OUTBOX_LIMIT,
      pending: 0,
    });
    expectOk(await h.dispatch({ command: 'create-audit-entry', body: {} }));
    // The chain went on without a hole across the refusals.
    expect(verifyAuditChain(h.audit, auditKeyOf(nvm), { moduleSerial: MODULE_SERIAL }).problems).toEqual([]);
  });

  it('Reset empties the outbox with everything else (its own entry goes only to the host)', async () => {
    const h = await operationalHarness();
    const outcome = await h.dispatch({ command: 'reset' });
    expectOk(outcome);
    expect(outcome.audit?.command).toBe('reset');
    expect(await outbox(h)).toMatchObject({ entries: [], nextSequence: 0 });
  });
});
