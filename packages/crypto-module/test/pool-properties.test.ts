import { parseIndicium } from '@indicium/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MeterClient } from '../src/psd/client/meter-client.js';
import { verifyMeterRegisters } from '../src/psd/verify-meter-registers.js';
import type { PoolModule } from './pool-harness.js';
import {
  indiciumVerifies,
  leasedMeter,
  ModuleTable,
  modulePool,
  type PsdCard,
  type PsdHost,
  type TestMeter,
  transaction,
} from './psd-harness.js';

/**
 * Issue 4's property: random sequences of downloads, indicia and a refund, each on a random module
 * of one pool (any module serves any package, DESIGN §3.3), keep AR + DR = the control total,
 * DR ≥ 0 and the piece count increasing; every indicium verifies under the meter key; and any older
 * copy of the package presented later is refused by the module (challenge, registers, control
 * total, the package version a download was issued for), and the auditor finds nothing to report.
 */
let modules: PoolModule[];
let hosts: PsdHost[];
let card: PsdCard;
const table = new ModuleTable();

beforeAll(async () => {
  ({ modules, hosts, card } = await modulePool(2));
}, 120_000);

type Step =
  | { kind: 'download'; module: number; amount: number }
  | { kind: 'print'; module: number; postage: number; correction: boolean }
  | { kind: 'replay'; module: number; age: number; provider: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('download' as const),
      module: fc.nat(2),
      amount: fc.integer({ min: 1, max: 20_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('print' as const),
      module: fc.nat(2),
      postage: fc.integer({ min: 10, max: 5_000 }),
      correction: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      module: fc.nat(2),
      age: fc.nat(4),
      provider: fc.boolean(),
    }),
  },
);

interface Life {
  meter: TestMeter;
  client: MeterClient;
  total: number;
  pieces: number;
  history: string[];
}

async function resync(life: Life, host: PsdHost): Promise<void> {
  const { answer } = await life.meter.ok<{ answer: never }>(host, 'get-challenge', {
    request: life.client.getChallengeRequest(),
  });
  life.client.acceptChallenge(answer);
}

function checkInvariants(life: Life): void {
  const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = life.client.registers;
  expect(ar + dr).toBe(life.total);
  expect(dr).toBeGreaterThanOrEqual(0);
}

async function run(life: Life, s: Step): Promise<'ok' | 'refused' | 'stale'> {
  const host = hosts[s.module] as PsdHost;
  const { meter, client } = life;
  if (s.kind === 'download') {
    const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = client.registers;
    const outcome = await meter.send(host, 'value-download', {
      message: meter.downloadMessage(ar + dr, s.amount),
    });
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('LIMIT_EXCEEDED');
      return 'refused';
    }
    life.total += s.amount;
    life.history.push(meter.package);
    await resync(life, hosts[(s.module + 1) % hosts.length] as PsdHost);
    life.history.push(meter.package);
    return 'ok';
  }
  if (s.kind === 'print') {
    const kind = s.correction ? 'correction' : 'postage';
    const request = client.createIndiciumRequest(transaction(s.postage, kind));
    const command = s.correction ? 'create-correction-indicium' : 'create-indicium';
    const outcome = await meter.send(host, command, { request });
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('INSUFFICIENT_FUNDS');
      expect(s.postage).toBeGreaterThan(client.registers.descendingRegisterMills);
      return 'refused';
    }
    const indicium = client.acceptIndicium((outcome.result as { answer: never }).answer);
    expect(indiciumVerifies(indicium, meter.publicKey)).toBe(true);
    const { pieceCount } = parseIndicium(indicium).fields;
    expect(pieceCount).toBeGreaterThan(life.pieces);
    life.pieces = pieceCount;
    life.history.push(meter.package);
    return 'ok';
  }
  // An older copy of the package, presented to a module later (a rolled-back or replayed record).
  const older = life.history.at(-2 - Math.min(s.age, life.history.length - 2));
  if (older === undefined || older === meter.package) return 'refused';
  const current = meter.package;
  // The provider issues for the meter's current version; the host presents the older copy.
  const currentVersion = meter.packageVersion;
  meter.package = older;
  try {
    if (!s.provider) {
      const request = client.createIndiciumRequest(transaction(10));
      const outcome = await meter.send(host, 'create-indicium', { request });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(['CHALLENGE_INVALID', 'REGISTER_MISMATCH']).toContain(outcome.error.code);
      return 'refused';
    }
    const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = client.registers;
    const message = meter.downloadMessage(ar + dr, 1, undefined, currentVersion);
    const outcome = await meter.send(host, 'value-download', { message });
    expect(outcome.ok).toBe(false);
    // Even a copy that differs only by printed pieces (same AR + DR) is refused: the version.
    if (!outcome.ok) expect(outcome.error.code).toBe('STALE_PACKAGE');
    return 'stale';
  } finally {
    meter.package = current;
  }
}

const seen: Record<string, number> = {};

describe('a pool of modules serving one meter (issue 4 properties)', () => {
  it('keeps the registers whole and refuses or reports every older package', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const first = hosts[0] as PsdHost;
        const { meter, client } = await leasedMeter(first, table, card, 0);
        const life: Life = { meter, client, total: 0, pieces: 0, history: [meter.package] };
        for (const s of steps) {
          const result = await run(life, s);
          seen[`${s.kind}:${result}`] = (seen[`${s.kind}:${result}`] ?? 0) + 1;
          checkInvariants(life);
        }
        const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = client.registers;
        const refund = await meter.ok<{
          state: string;
          refundedMills: number;
          ascendingRegisterMills: number;
        }>(hosts[steps.length % hosts.length] as PsdHost, 'create-refund-indicium', {
          message: meter.refundMessage(ar + dr),
        });
        expect(refund).toMatchObject({
          state: 'withdrawn',
          refundedMills: dr,
          ascendingRegisterMills: life.total,
        });
        const report = verifyMeterRegisters(
          modules.map((m) => ({
            moduleSerial: m.serial,
            entries: m.audit.filter((e) => e.data.meterId === meter.meterId),
          })),
        );
        const flagged = report.meters.some((p) => p.meterId === meter.meterId);
        expect(flagged).toBe(false);
      }),
      { numRuns: 12, seed: 20261126 },
    );
    // The runs did exercise each path: pieces, downloads, older copies refused for a piece and for a download.
    for (const path of ['download:ok', 'print:ok', 'replay:refused', 'replay:stale']) {
      expect(seen[path] ?? 0, path).toBeGreaterThan(0);
    }
  }, 240_000);

  it('leaves every module with an intact audit chain', async () => {
    for (const m of modules) {
      const image = await m.nvm.load();
      const key = image?.sections.module.auditPublicKey as string;
      const report = verifyMeterRegisters([
        { moduleSerial: m.serial, entries: m.audit, auditPublicKey: key },
      ]);
      expect(report.chains[m.serial]).toEqual([]);
    }
  });
});
