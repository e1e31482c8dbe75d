import type { ModuleRequest } from './module-envelope.js';

const COMMAND_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * The envelope of a plain (unsealed) request, checked by hand: returns it when `ModuleRequestSchema`
 * certainly accepts it with the same output — a plain object with a valid `command` and at most a
 * `body` beside it — else null, and the caller parses with zod for the exact error. A sealed
 * request always goes through zod. `accept-module-request.test.ts` checks it against the schema.
 */
export function acceptModuleRequest(raw: unknown): ModuleRequest | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const proto = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(raw);
  if (keys.length > 2 || !Object.hasOwn(raw, 'command')) return null;
  if (keys.length === 2 && !Object.hasOwn(raw, 'body')) return null;
  const { command } = raw as { command: unknown };
  if (typeof command !== 'string' || !COMMAND_NAME.test(command)) return null;
  return raw as ModuleRequest;
}
