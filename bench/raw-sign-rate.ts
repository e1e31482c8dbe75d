import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface RawSignRate {
  /** Signatures per second summed over every worker. */
  readonly perSecond: number;
  readonly workers: number;
  readonly perWorker: readonly number[];
}

/**
 * The machine's own limit for the value path (issue 9): ECDSA P-256 signatures per second with one
 * worker thread per core, all signing at once. Measured in the same run as the vault's throughput
 * so that the ratio between the two survives a noisy, shared machine better than either number.
 *
 * @example
 * const { perSecond } = await measureRawSignRate({ durationMs: 2000 });
 */
export async function measureRawSignRate(options: {
  readonly durationMs: number;
  readonly workers?: number;
}): Promise<RawSignRate> {
  const count = options.workers ?? availableParallelism();
  const url = new URL('./raw-sign.worker.mjs', import.meta.url);
  const results = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ signatures: number; seconds: number }>((resolve, reject) => {
          const worker = new Worker(url, { workerData: { durationMs: options.durationMs } });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`sign worker exited with ${code}`));
          });
        }),
    ),
  );
  const perWorker = results.map((r) => r.signatures / r.seconds);
  return { perSecond: perWorker.reduce((a, b) => a + b, 0), workers: count, perWorker };
}
