import { randomFillSync } from 'node:crypto';

const CHALLENGE = 32;
const POOL = CHALLENGE * 128;
const pool = new Uint8Array(POOL);
let next = POOL;

/**
 * A fresh 32-byte challenge from the OS CSPRNG, drawn from a pool refilled 4 KiB at a time: one
 * system call per 128 challenges instead of one each (the steady state makes one per indicium).
 * Every byte is handed out once and then overwritten.
 */
export function freshChallenge(): Uint8Array {
  if (next + CHALLENGE > POOL) {
    randomFillSync(pool);
    next = 0;
  }
  const out = pool.slice(next, next + CHALLENGE);
  pool.fill(0, next, next + CHALLENGE);
  next += CHALLENGE;
  return out;
}
