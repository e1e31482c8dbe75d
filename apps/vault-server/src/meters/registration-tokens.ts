import { createHash, randomBytes } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { Store } from '../store/store.js';

/** What a registration token lets its holder do: one mode, one meter, one customer, one user. */
export interface RegistrationGrant {
  readonly meterId: string;
  readonly customerId: string;
  readonly userId: string;
  readonly mode: 'configure' | 'add-user' | 'reset';
  readonly expiresAtMs: number;
}

/** The part of a commit unit that uses a token up, all or nothing with the registration. */
export interface TokenConsumption {
  readonly tokenHash: Uint8Array;
  readonly meterId: string;
}

export interface RegistrationTokens {
  /** A new token for this grant, durably stored (on every node's database) when it resolves. */
  issue(grant: Omit<RegistrationGrant, 'expiresAtMs'>): Promise<{ token: string; expiresAtMs: number }>;
  /** The grant of a live token for this meter; ROLE_DENIED otherwise. */
  check(token: string, meterId: string): Promise<RegistrationGrant>;
  /**
   * What to add to the registration's commit unit (`consumedRegistrationToken`): the store deletes
   * the grant in that unit, or fails the unit with ROLE_DENIED if another registration used it.
   */
  consumption(token: string, meterId: string): TokenConsumption;
  /** Ends a token on its own; ROLE_DENIED if it was consumed already (here or on another node). */
  consume(token: string, meterId: string): Promise<void>;
}

/** A token lives this long: enough to walk from the web page to the companion (DESIGN §4.2). */
export const REGISTRATION_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

const refused = () =>
  new IndiciumError('ROLE_DENIED', { field: 'registrationToken', details: { reason: 'token' } });

/** The key a token's grant is stored under: its SHA-256, so the database never holds a usable token. */
export function registrationTokenHash(token: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}

/**
 * One-time registration tokens (DESIGN §4.2): the web API gives a logged-in customer a random
 * 32-byte token for one registration of one of their meters; the companion presents it with the
 * registration challenge and with Configure. It ties the unauthenticated PSD registration routes
 * to the web account that owns the meter.
 *
 * Grants live in the store (issue 8), so the companion may reach another vault node than the web
 * page did, and a restart forgets nothing. A token is looked up by its SHA-256: no comparison of
 * secret bytes runs in this process that a timing could leak (the database finds the row by an
 * index on a hash the caller cannot steer to a prefix of a stored one), so the constant-time
 * compare of the in-memory version has nothing left to protect. A grant is used up in the unit
 * that commits its registration (`consumption`), atomically across nodes.
 *
 * @example
 * const { token } = await tokens.issue({ meterId, customerId, userId: 'alice', mode: 'configure' });
 */
export function createRegistrationTokens(store: Store, now: () => number = Date.now): RegistrationTokens {
  return {
    async issue(grant) {
      const token = randomBytes(32).toString('base64url');
      const createdAtMs = now();
      const expiresAtMs = createdAtMs + REGISTRATION_TOKEN_LIFETIME_MS;
      await store.registrationTokens.issue({
        tokenHash: registrationTokenHash(token),
        meterId: grant.meterId,
        customerId: grant.customerId,
        userId: grant.userId,
        mode: grant.mode,
        createdAtMs,
        expiresAtMs,
      });
      return { token, expiresAtMs };
    },
    async check(token, meterId) {
      const found = await store.registrationTokens.find(registrationTokenHash(token), meterId, now());
      if (found === null) throw refused();
      const { meterId: meter, customerId, userId, mode, expiresAtMs } = found;
      return { meterId: meter, customerId, userId, mode, expiresAtMs };
    },
    consumption(token, meterId) {
      return { tokenHash: registrationTokenHash(token), meterId };
    },
    async consume(token, meterId) {
      if (!(await store.registrationTokens.consume(registrationTokenHash(token), meterId))) throw refused();
    },
  };
}
