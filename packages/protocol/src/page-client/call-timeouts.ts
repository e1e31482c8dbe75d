import type { PageCallType } from '../schemas/page-calls.js';

/**
 * How long the page waits for each call's answer, ack included. Generous where the companion does
 * real work: `register` runs scrypt and RSA-OAEP and talks to the vault, `print` issues, verifies,
 * renders and spools (DESIGN §4.2, §4.3); the first call of a browser session also starts the
 * companion process.
 */
export const DEFAULT_CALL_TIMEOUTS_MS: Readonly<Record<PageCallType, number>> = Object.freeze({
  status: 20_000,
  unlock: 30_000,
  lock: 20_000,
  register: 120_000,
  print: 120_000,
  history: 30_000,
  reprint: 120_000,
  printers: 30_000,
  users: 60_000,
});
