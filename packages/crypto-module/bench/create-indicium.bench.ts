/**
 * Create Indicium throughput on one core (issue 4: at least half the raw ECDSA P-256 signing rate).
 * A real module (in-memory NVM), a leased meter and a MeterClient in the steady state of DESIGN
 * §4.3 — one round trip per indicium. Only `dispatch` is timed: the companion's half (request MAC,
 * answer check) runs on the client's machine. Run: `npm run bench -w @indicium/crypto-module`.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { CreateIndiciumAnswer } from '@indicium/protocol';
import { leasedMeter, ModuleTable, singleModule, TEST_LIMITS, transaction } from '../test/psd-harness.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

function signRate(seconds: number): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = randomBytes(50);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    n += 100;
  }
  return n / seconds;
}

async function createRate(seconds: number): Promise<number> {
  const { host, card } = await singleModule();
  const { meter, client } = await leasedMeter(
    host,
    new ModuleTable(),
    card,
    TEST_LIMITS.maxDescendingRegister,
  );
  const postage = TEST_LIMITS.minPostage;
  let busy = 0;
  let n = 0;
  while (busy < seconds * 1000) {
    if (client.registers.descendingRegisterMills < postage) {
      const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = client.registers;
      await meter.ok(host, 'value-download', {
        message: meter.downloadMessage(ar + dr, TEST_LIMITS.maxDescendingRegister - dr),
      });
      client.acceptChallenge(
        (await meter.ok<{ answer: never }>(host, 'get-challenge', { request: client.getChallengeRequest() }))
          .answer,
      );
    }
    const request = client.createIndiciumRequest(transaction(postage));
    const started = performance.now();
    const outcome = await meter.send(host, 'create-indicium', { request });
    busy += performance.now() - started;
    if (!outcome.ok) throw new Error(`create-indicium refused: ${outcome.error.code}`);
    client.acceptIndicium((outcome.result as { answer: CreateIndiciumAnswer }).answer);
    n++;
  }
  return n / (busy / 1000);
}

const warm = await createRate(0.5);
// Sign rate before and after, averaged: on a shared machine both see the same load.
const rawBefore = signRate(SECONDS / 2);
const create = await createRate(SECONDS);
const raw = (rawBefore + signRate(SECONDS / 2)) / 2;
const ratio = create / raw;
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(34)}${value}\n`);
line('warm-up create-indicium ops/s', warm.toFixed(0));
line('create-indicium ops/s (dispatch)', create.toFixed(0));
line('raw ECDSA P-256 sign ops/s', raw.toFixed(0));
line('ratio (target ≥ 0.50)', ratio.toFixed(2));
process.exitCode = ratio >= 0.5 ? 0 : 1;
