import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from './keyed-queue.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('createKeyedQueue', () => {
  it('runs one key strictly in order, even when an earlier function fails', async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    let running = 0;
    const job =
      (name: string, fail = false) =>
      async () => {
        running += 1;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        running -= 1;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queue.run('m', job('a')),
      queue.run('m', job('b', true)),
      queue.run('m', job('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.activeKeys).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const queue = createKeyedQueue();
    let running = 0;
    let peak = 0;
    const job = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    };
    await Promise.all(['a', 'b', 'c'].map((key) => queue.run(key, job)));
    expect(peak).toBe(3);
  });

  it('idle() waits for everything queued', async () => {
    const queue = createKeyedQueue();
    let done = 0;
    for (let i = 0; i < 5; i += 1) {
      void queue.run('x', async () => {
        await tick();
        done += 1;
      });
    }
    expect(queue.activeKeys).toBe(1);
    await queue.idle();
    expect(done).toBe(5);
    expect(queue.activeKeys).toBe(0);
  });
});
