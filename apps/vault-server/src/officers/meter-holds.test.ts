import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { createKeyedQueue } from '../pool/keyed-queue.js';
import { createMeterHolds } from './meter-holds.js';

// The pool's own per-meter queue is what the holds wait on (DESIGN §6 per-meter serialisation).
function setup(holdMs = 5_000) {
  const queue = createKeyedQueue();
  const meters = { withMeter: <T>(meterId: string, fn: () => Promise<T>) => queue.run(meterId, fn) };
  return { meters, holds: createMeterHolds(meters, holdMs) };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('meter holds for a translation', () => {
  it('keeps other work on the meter waiting from the read until the store, then lets it run', async () => {
    const { meters, holds } = setup();
    const order: string[] = [];
    expect(await holds.take({ meterId: 'm1', module: 'M0001' }, async () => 'package v7')).toBe('package v7');
    const print = meters.withMeter('m1', async () => order.push('print'));
    await meters.withMeter('m2', async () => order.push('other meter'));
    await tick();
    expect(order).toEqual(['other meter']);
    await holds.finish({ meterId: 'm1', module: 'M0001' }, async () => order.push('store'));
    await print;
    expect(order).toEqual(['other meter', 'store', 'print']);
    expect(holds.size).toBe(0);
  });

  it('a store from another module than the hold is refused and the hold stays', async () => {
    const { holds } = setup();
    await holds.take({ meterId: 'm1', module: 'M0001' }, async () => null);
    await expectIndiciumRejection(
      () => holds.finish({ meterId: 'm1', module: 'M0002' }, async () => 'stored'),
      { code: 'WRONG_STATE', field: 'module' },
    );
    expect(holds.size).toBe(1);
    expect(holds.release('m1')).toBe(true);
    expect(holds.release('m1')).toBe(false);
  });

  it('a refused read lets the meter go at once', async () => {
    const { meters, holds } = setup();
    await expectIndiciumRejection(
      () =>
        holds.take({ meterId: 'm1', module: 'M0001' }, async () => {
          throw new IndiciumError('NOT_FOUND', { field: 'meterId' });
        }),
      { code: 'NOT_FOUND', field: 'meterId' },
    );
    expect(holds.size).toBe(0);
    expect(await meters.withMeter('m1', async () => 'free')).toBe('free');
  });

  it('a hold expires after holdMs; a later store takes the meter for itself', async () => {
    const { meters, holds } = setup(30);
    await holds.take({ meterId: 'm1', module: 'M0001' }, async () => null);
    expect(await meters.withMeter('m1', async () => 'after expiry')).toBe('after expiry');
    expect(holds.size).toBe(0);
    expect(await holds.finish({ meterId: 'm1', module: 'M0001' }, async () => 'stored under the lock')).toBe(
      'stored under the lock',
    );
  });

  it('a second read of the same meter replaces the first hold; ending a module releases its holds', async () => {
    const { meters, holds } = setup();
    await holds.take({ meterId: 'm1', module: 'M0001' }, async () => 1);
    expect(await holds.take({ meterId: 'm1', module: 'M0001' }, async () => 2)).toBe(2);
    await holds.take({ meterId: 'm2', module: 'M0001' }, async () => 3);
    await holds.take({ meterId: 'm3', module: 'M0002' }, async () => 4);
    expect(holds.size).toBe(3);
    holds.releaseModule('M0001');
    expect(holds.size).toBe(1);
    expect(await meters.withMeter('m1', async () => 'free')).toBe('free');
    holds.release('m3');
  });
});
