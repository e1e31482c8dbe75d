import { generateKeyPairSync } from 'node:crypto';
import { type CreateIndiciumRequest, ValueDownloadSig } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MeterClient } from '../src/psd/client/meter-client.js';
import { signGetChallengeRequest } from '../src/psd/client/user-requests.js';
import {
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
  type TestMeter,
  transaction,
} from './psd-harness.js';

/**
 * Issue 4: every single flipped byte of a package, a checkpoint record or a request is refused with
 * a typed error and changes nothing; a replayed request is refused; a request MACed with another
 * user's HMK is refused; provider messages signed by another key are refused.
 */
let host: PsdHost;
let card: PsdCard;
const table = new ModuleTable();
let meter: TestMeter;
let client: MeterClient;
let hmk: Uint8Array;
let other: { meter: TestMeter; hmk: Uint8Array };

beforeAll(async () => {
  ({ host, card } = await singleModule());
  ({ meter, client, hmk } = await leasedMeter(host, table, card, 50_000));
  other = await leasedMeter(host, table, card, 1_000);
});

function flips(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const bad = Uint8Array.from(bytes);
    bad[i] = (bad[i] as number) ^ (1 << (i % 8));
    out.push(bad);
  }
  return out;
}

/** Sends and expects a typed refusal that left package, checkpoint and audit log as they were. */
async function expectRefusedUnchanged(
  body: Record<string, unknown>,
  command = 'create-indicium',
): Promise<string> {
  const before = { audit: host.audit.length, checkpoint: table.get(host.serial) };
  const outcome = await host.dispatch({
    command,
    body: { package: meter.package, checkpoint: table.get(host.serial), ...body },
  });
  expect(outcome.ok).toBe(false);
  expect(outcome.audit).toBeUndefined();
  expect({ audit: host.audit.length, checkpoint: table.get(host.serial) }).toEqual(before);
  return outcome.ok ? 'OK' : outcome.error.code;
}

async function honest(): Promise<void> {
  await meter.print(host, client, 10);
}

describe('tampering (issue 4)', () => {
  it('refuses every flipped byte of a package with PACKAGE_INTEGRITY', async () => {
    const request = client.createIndiciumRequest(transaction(10));
    const codes = new Set<string>();
    for (const bad of flips(Buffer.from(meter.package, 'base64'))) {
      codes.add(await expectRefusedUnchanged({ package: Buffer.from(bad).toString('base64'), request }));
    }
    expect([...codes]).toEqual(['PACKAGE_INTEGRITY']);
    const { answer } = await meter.ok<{ answer: never }>(host, 'create-indicium', { request });
    client.acceptIndicium(answer);
  });

  it('refuses a truncated, extended or swapped package', async () => {
    const request = client.createIndiciumRequest(transaction(10));
    const bytes = Buffer.from(meter.package, 'base64');
    for (const bad of [
      bytes.subarray(0, bytes.length - 1),
      Buffer.concat([bytes, Buffer.of(0)]),
      bytes.subarray(0, 64),
    ]) {
      expect(await expectRefusedUnchanged({ package: bad.toString('base64'), request })).toBe(
        'PACKAGE_INTEGRITY',
      );
    }
    // Another meter's genuine package does not serve this meter's request.
    expect(await expectRefusedUnchanged({ package: other.meter.package, request })).toBe('METER_MISMATCH');
    await meter
      .ok(host, 'create-indicium', { request })
      .then((r) => client.acceptIndicium((r as { answer: never }).answer));
  });

  it('refuses every flipped byte of the checkpoint record with CHECKPOINT_MISMATCH', async () => {
    const request = client.createIndiciumRequest(transaction(10));
    const record = Buffer.from(table.get(host.serial) as string, 'base64');
    const codes = new Set<string>();
    for (const bad of flips(record)) {
      codes.add(await expectRefusedUnchanged({ checkpoint: Buffer.from(bad).toString('base64'), request }));
    }
    codes.add(await expectRefusedUnchanged({ checkpoint: null, request }));
    expect([...codes]).toEqual(['CHECKPOINT_MISMATCH']);
    const { answer } = await meter.ok<{ answer: never }>(host, 'create-indicium', { request });
    client.acceptIndicium(answer);
  });

  it('refuses every flipped byte of a create-indicium request', async () => {
    const request = client.createIndiciumRequest(transaction(730));
    const text = Buffer.from(JSON.stringify(request));
    const codes = new Set<string>();
    let tried = 0;
    for (const bad of flips(text)) {
      let parsed: CreateIndiciumRequest;
      try {
        parsed = JSON.parse(Buffer.from(bad).toString('utf8')) as CreateIndiciumRequest;
      } catch {
        continue; // not JSON: the vault's body parser refuses it before any module sees it
      }
      tried++;
      codes.add(await expectRefusedUnchanged({ request: parsed }));
    }
    expect(tried).toBeGreaterThan(text.length / 2);
    for (const code of codes) {
      expect([
        'MALFORMED_REQUEST',
        'MAC_INVALID',
        'CHALLENGE_INVALID',
        'METER_MISMATCH',
        'INVALID_FIELD',
      ]).toContain(code);
    }
    const { answer } = await meter.ok<{ answer: never }>(host, 'create-indicium', { request });
    client.acceptIndicium(answer);
  });

  it('refuses every flipped byte of a provider message', async () => {
    const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = client.registers;
    const message = meter.downloadMessage(ar + dr, 100);
    const text = Buffer.from(JSON.stringify(message));
    const codes = new Set<string>();
    for (const bad of flips(text)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(bad).toString('utf8'));
      } catch {
        continue;
      }
      codes.add(await expectRefusedUnchanged({ message: parsed }, 'value-download'));
    }
    for (const code of codes) expect(['MALFORMED_REQUEST', 'SIGNATURE_INVALID']).toContain(code);
    await meter.ok(host, 'value-download', { message });
    // A single-user meter's client resynchronises after a download (DESIGN §4.3 step 5).
    client = await meter.client(host, 'alice', hmk);
  });

  it('refuses a replayed request, and a replayed or older provider message', async () => {
    const request = client.createIndiciumRequest(transaction(10));
    const { answer } = await meter.ok<{ answer: never }>(host, 'create-indicium', { request });
    client.acceptIndicium(answer);
    expect(await expectRefusedUnchanged({ request })).toBe('CHALLENGE_INVALID');

    const total = () => client.registers.ascendingRegisterMills + client.registers.descendingRegisterMills;
    const first = meter.downloadMessage(total(), 100);
    // Issued for the version the first one makes (signed before it ran).
    const second = meter.downloadMessage(total() + 100, 100, undefined, meter.packageVersion + 1);
    await meter.ok(host, 'value-download', { message: first });
    // The same message again: its nonce is remembered (and its control total no longer holds).
    expect(await expectRefusedUnchanged({ message: first }, 'value-download')).toBe('MESSAGE_REPLAYED');
    await meter.ok(host, 'value-download', { message: second });
    // A message issued before the newest applied one, with a fresh nonce, is older: refused.
    const older = meter.provider(ValueDownloadSig, {
      controlTotalMills: total() + 200,
      amountMills: 100,
      issuedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(await expectRefusedUnchanged({ message: older }, 'value-download')).toBe('MESSAGE_REPLAYED');
    await meter.ok(host, 'value-download', { message: meter.downloadMessage(total() + 200, 100) });
    client = await meter.client(host, 'alice', hmk);
    await honest();
  });

  it("refuses a request MACed with another user's HMK", async () => {
    const forged = signGetChallengeRequest(other.hmk, {
      meterId: meter.meterId,
      userId: 'alice',
      clientChallenge: Buffer.alloc(32, 9).toString('base64'),
    });
    expect(await expectRefusedUnchanged({ request: forged }, 'get-challenge')).toBe('MAC_INVALID');
  });

  it('refuses provider messages signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = client.registers;
    const forged = {
      'value-download': meter.downloadMessage(ar + dr, 100, privateKey),
      'create-refund-indicium': {
        ...meter.refundMessage(ar + dr),
        signature: meter.downloadMessage(0, 1, privateKey).signature,
      },
      'start-password-reset': {
        ...meter.resetMessage('alice'),
        signature: meter.downloadMessage(0, 1, privateKey).signature,
      },
      'authorize-customer': {
        ...meter.authorizeCustomerMessage(),
        signature: meter.downloadMessage(0, 1, privateKey).signature,
      },
    };
    for (const [command, message] of Object.entries(forged)) {
      expect(await expectRefusedUnchanged({ message }, command), command).toBe('SIGNATURE_INVALID');
    }
  });
});
