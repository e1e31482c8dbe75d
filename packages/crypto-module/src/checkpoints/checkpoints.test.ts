import { beforeAll, describe, expect, it } from 'vitest';
import {
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
  type TestMeter,
  transaction,
} from '../../test/psd-harness.js';
import type { MeterClient } from '../psd/client/meter-client.js';
import { readLayout } from '../psd/package/read-layout.js';
import { CheckpointLayout, type CheckpointRecord } from './checkpoint-record.js';

/**
 * DESIGN §3.6: the module's three latest checkpoint records, compared before every PSD command;
 * Auto-Recover to one of the two older ones, with audit entries for what was discarded; otherwise
 * inhibited until a Security Officer recovers; module totals reset / printed / refunded.
 */
let host: PsdHost;
let card: PsdCard;
let so: (command: string, body?: unknown) => Promise<unknown>;
const table = new ModuleTable();
let meter: TestMeter;
let client: MeterClient;
let hmk: Uint8Array;

/** The latest record's fields (the record is public; its MAC is the module's business). */
function totals(): CheckpointRecord {
  const bytes = Buffer.from(table.get(host.serial) as string, 'base64');
  return readLayout(
    CheckpointLayout,
    bytes.subarray(0, bytes.length - 32),
    'CHECKPOINT_MISMATCH',
    'checkpoint',
  );
}

async function recover(checkpoint: string | null) {
  return host.dispatch({ command: 'auto-recover-checkpoint', body: { checkpoint } });
}

beforeAll(async () => {
  ({ host, card, so } = await singleModule());
  ({ meter, client, hmk } = await leasedMeter(host, table, card, 10_000));
});

describe('checkpoints (DESIGN §3.6)', () => {
  it('keeps module totals: reset (downloads), printed (postage and corrections), refunded', async () => {
    const before = totals();
    await meter.print(host, client, 700);
    await meter.print(host, client, 300, 'correction');
    const other = await leasedMeter(host, table, card, 2_000);
    await other.meter.ok(host, 'create-refund-indicium', { message: other.meter.refundMessage(2_000) });
    expect(totals()).toMatchObject({
      moduleSerial: host.serial,
      totalResetMills: before.totalResetMills + 2_000,
      totalPrintedMills: before.totalPrintedMills + 1_000,
      totalRefundedMills: before.totalRefundedMills + 2_000,
    });
    // In step: Auto-Recover has nothing to do.
    expect(await recover(table.get(host.serial))).toMatchObject({ ok: true, result: { recovered: false } });
  });

  it('refuses a PSD command whose checkpoint is not the latest, changing nothing', async () => {
    const before = table.get(host.serial);
    await meter.print(host, client, 10);
    const after = table.get(host.serial);
    table.set(host.serial, before as string);
    const request = client.createIndiciumRequest(transaction(10));
    expect(await meter.refused(host, 'create-indicium', { request })).toEqual({
      code: 'CHECKPOINT_MISMATCH',
      field: 'checkpoint',
    });
    table.set(host.serial, after as string);
    const { answer } = await meter.ok<{ answer: never }>(host, 'create-indicium', { request });
    client.acceptIndicium(answer);
  });

  it('auto-recovers to an older record and audits every discarded transaction', async () => {
    const t0 = table.get(host.serial) as string;
    const p0 = meter.package;
    await meter.print(host, client, 20);
    await meter.print(host, client, 30);
    // The database lost its last two commits: module table and package are back at t0 / p0.
    table.set(host.serial, t0);
    meter.package = p0;
    const audited = host.audit.length;
    const outcome = await recover(t0);
    expect(outcome).toMatchObject({ ok: true, result: { recovered: true } });
    const discarded = (outcome as { result: { discarded: CheckpointRecord[] } }).result.discarded;
    expect(discarded.map((r) => [r.transaction, r.amountMills])).toEqual([
      ['create-indicium', 20],
      ['create-indicium', 30],
    ]);
    const entry = host.audit[audited];
    expect(entry).toMatchObject({ command: 'auto-recover-checkpoint', signatureRequired: true });
    expect(entry?.signature).not.toBeNull();
    expect(entry?.data['discarded.0']).toContain(`${meter.meterId},create-indicium,20,`);
    expect(entry?.data['discarded.1']).toContain(`${meter.meterId},create-indicium,30,`);
    // The module is in step with the database again; the client resynchronises to the old package.
    client = await meter.client(host, 'alice', hmk);
    await meter.print(host, client, 10);
  });

  it('inhibits all PSD work when the record matches none, until a Security Officer recovers', async () => {
    const genuine = table.get(host.serial) as string;
    const foreign = Buffer.from(genuine, 'base64');
    foreign[20] = (foreign[20] as number) ^ 1;
    const outcome = await recover(foreign.toString('base64'));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'CHECKPOINT_MISMATCH' } });
    expect(outcome.audit?.data.outcome).toBe('inhibited');
    // Even the right record no longer opens PSD work, and Auto-Recover refuses.
    const request = client.getChallengeRequest();
    expect(await meter.refused(host, 'get-challenge', { request })).toMatchObject({
      code: 'CHECKPOINT_MISMATCH',
    });
    expect(await recover(genuine)).toMatchObject({ ok: false, error: { code: 'CHECKPOINT_MISMATCH' } });
    // An officer's recovery takes only a genuine record of this module.
    await expect(so('recover-checkpoint', { checkpoint: foreign.toString('base64') })).rejects.toMatchObject({
      code: 'CHECKPOINT_MISMATCH',
    });
    await so('recover-checkpoint', { checkpoint: genuine });
    client = await meter.client(host, 'alice', hmk);
    await meter.print(host, client, 10);
  });

  it('keeps only the three latest records: an older one cannot be recovered to', async () => {
    const old = table.get(host.serial) as string;
    for (let i = 0; i < 3; i++) await meter.print(host, client, 10);
    table.set(host.serial, old);
    expect(await recover(old)).toMatchObject({ ok: false, error: { code: 'CHECKPOINT_MISMATCH' } });
    // Disaster recovery from nothing: the module starts afresh, the database row is cleared.
    await so('recover-checkpoint', { checkpoint: null });
    const { answer } = await meter.ok<{ answer: never }>(host, 'get-challenge', {
      request: client.getChallengeRequest(),
      checkpoint: null,
    });
    client.acceptChallenge(answer);
    expect(totals().sequence).toBe(1);
  });

  it('only a Security Officer sets the PSD settings', async () => {
    expect(await so('set-psd-settings', { challengeLifetimeMs: 60_000, passphraseFailureLimit: 3 })).toEqual({
      challengeLifetimeMs: 60_000,
      passphraseFailureLimit: 3,
    });
    const plain = await host.dispatch({
      command: 'set-psd-settings',
      body: { challengeLifetimeMs: 60_000, passphraseFailureLimit: 3 },
    });
    expect(plain).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
  });
});
