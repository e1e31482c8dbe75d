import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * One core's ECDSA P-256 signing rate: a cached KeyObject (no PEM parse per call), a message the
 * size of an indicium's signed part (DESIGN §5: 114 bytes less the 64-byte signature), P1363 output
 * as the module signs. The number the vault is held against: nothing it does per indicium can be
 * cheaper than this one signature. Plain JavaScript so that the worker needs no loader.
 */
const { durationMs } = workerData;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const message = randomBytes(50);
const options = { key: privateKey, dsaEncoding: 'ieee-p1363' };
// Warm-up outside the timed window (JIT, OpenSSL's precomputed tables).
for (let i = 0; i < 200; i += 1) sign('sha256', message, options);
const started = process.hrtime.bigint();
const deadline = started + BigInt(durationMs) * 1_000_000n;
let signatures = 0;
let now = started;
while (now < deadline) {
  for (let i = 0; i < 100; i += 1) sign('sha256', message, options);
  signatures += 100;
  now = process.hrtime.bigint();
}
parentPort?.postMessage({ signatures, seconds: Number(now - started) / 1e9 });
