import type { CreateIndiciumAnswer, Transaction } from '@indicium/protocol';
import { type LatencySummary, summarize } from './latency-summary.js';
import type { SimulatedCompanion } from './simulated-companions.js';

/** What one load phase measured, client side. */
export interface LoadResult {
  /** Indicia answered 200 (the vault answers only after the commit: each one is durable). */
  readonly indicia: number;
  readonly seconds: number;
  readonly indiciaPerSecond: number;
  readonly latency: LatencySummary;
  /** Refusals and transport failures by error code (none is expected). */
  readonly errors: Readonly<Record<string, number>>;
}

/** A postage transaction small enough that a full meter lasts any benchmark (50 000 pieces). */
export function benchTransaction(now = new Date()): Transaction {
  return {
    kind: 'postage',
    postageMills: 10,
    mailingDate: now.toISOString().slice(0, 10),
    rateCategory: 'FCL1',
    originZip: '20260-0001',
    destinationZip: '10001',
    pageOrigin: 'https://localhost:8443',
  };
}

/**
 * One Create Indicium round trip (DESIGN §4.3): MAC the request on the companion's current Cm and
 * registers, send it, check the answer's MAC and echo, move to the new Cm. Resolves with the
 * error code instead of throwing, so a refusal is counted, not fatal; a stale challenge is
 * resynchronised with one Get Challenge, as the companion does.
 */
async function createOne(companion: SimulatedCompanion, transaction: Transaction): Promise<string | null> {
  const { user } = companion;
  const request = user.request(transaction);
  try {
    const answer = await user.send(request);
    if (answer.status === 200) {
      user.accept(request, answer.json<CreateIndiciumAnswer>());
      return null;
    }
    const code = answer.json<{ error?: { code?: string } }>().error?.code ?? `HTTP_${answer.status}`;
    if (code === 'CHALLENGE_INVALID' || code === 'REGISTER_MISMATCH') await user.getChallenge();
    return code;
  } catch (error) {
    return error instanceof Error ? `CLIENT_${error.name}` : 'CLIENT_ERROR';
  }
}

function tally(errors: Record<string, number>, code: string): void {
  errors[code] = (errors[code] ?? 0) + 1;
}

/**
 * Closed loop: every companion sends its next request as soon as its last one was answered, for
 * `durationMs`. With M companions there are always M requests in flight: the vault's throughput at
 * concurrency M, and the latency it costs.
 */
export async function runClosedLoop(
  companions: readonly SimulatedCompanion[],
  durationMs: number,
): Promise<LoadResult> {
  const transaction = benchTransaction();
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    companions.map(async (companion) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const failed = await createOne(companion, transaction);
        if (failed === null) samples.push(performance.now() - sent);
        else tally(errors, failed);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    indicia: samples.length,
    seconds,
    indiciaPerSecond: samples.length / seconds,
    latency: summarize(samples),
    errors,
  };
}

/**
 * Open loop at a fixed offered rate (Poisson arrivals), for the latency target "p99 at half the
 * maximum throughput". Each arrival takes an idle companion (or waits for one), and its latency is
 * counted from when it was due, not from when it was sent, so a stalled vault cannot hide its
 * stall by slowing the load down (coordinated omission).
 */
export async function runOpenLoop(
  companions: readonly SimulatedCompanion[],
  perSecond: number,
  durationMs: number,
): Promise<LoadResult> {
  const transaction = benchTransaction();
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const idle = [...companions];
  const waiting: ((c: SimulatedCompanion) => void)[] = [];
  const inFlight = new Set<Promise<void>>();
  const take = () =>
    idle.length > 0
      ? Promise.resolve(idle.pop() as SimulatedCompanion)
      : new Promise<SimulatedCompanion>((resolve) => waiting.push(resolve));
  const give = (c: SimulatedCompanion) => {
    const next = waiting.shift();
    if (next === undefined) idle.push(c);
    else next(c);
  };
  async function arrival(due: number): Promise<void> {
    const companion = await take();
    const failed = await createOne(companion, transaction);
    give(companion);
    if (failed === null) samples.push(performance.now() - due);
    else tally(errors, failed);
  }

  const started = performance.now();
  const deadline = started + durationMs;
  let due = started;
  while (due < deadline) {
    const now = performance.now();
    while (due <= now && due < deadline) {
      const p = arrival(due).finally(() => inFlight.delete(p));
      inFlight.add(p);
      due += -Math.log(1 - Math.random()) * (1000 / perSecond);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(due - performance.now(), 5))));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  return {
    indicia: samples.length,
    seconds,
    indiciaPerSecond: samples.length / seconds,
    latency: summarize(samples),
    errors,
  };
}
