import { randomBytes, timingSafeEqual } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';

/** What a registration token lets its holder do: one mode, one meter, one customer, one user. */
export interface RegistrationGrant {
  readonly meterId: string;
  readonly customerId: string;
  readonly userId: string;
  readonly mode: 'configure' | 'add-user' | 'reset';
  readonly expiresAtMs: number;
}

export interface RegistrationTokens {
  issue(grant: Omit<RegistrationGrant, 'expiresAtMs'>): { token: string; expiresAtMs: number };
  /** The grant of a live token for this meter; ROLE_DENIED otherwise. */
  check(token: string, meterId: string): RegistrationGrant;
  /** Ends a token once its registration committed. */
  consume(token: string): void;
}

/** A token lives this long: enough to walk from the web page to the companion (DESIGN §4.2). */
export const REGISTRATION_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

const refused = () =>
  new IndiciumError('ROLE_DENIED', { field: 'registrationToken', details: { reason: 'token' } });

/**
 * One-time registration tokens (DESIGN §4.2): the web API gives a logged-in customer a random
 * 32-byte token for one registration of one of their meters; the companion presents it with the
 * registration challenge and with Configure. It ties the unauthenticated PSD registration routes
 * to the web account that owns the meter. Tokens live in this vault process only (a restart or
 * another node forgets them and the customer asks for a new one); a token is looked up by its
 * bytes and compared in constant time.
 *
 * @example
 * const { token } = tokens.issue({ meterId, customerId, userId: 'alice', mode: 'configure' });
 */
export function createRegistrationTokens(now: () => number = Date.now): RegistrationTokens {
  const grants = new Map<string, RegistrationGrant>();

  function sweep(): void {
    const t = now();
    for (const [token, grant] of grants) if (grant.expiresAtMs <= t) grants.delete(token);
  }

  return {
    issue(grant) {
      sweep();
      const token = randomBytes(32).toString('base64url');
      const expiresAtMs = now() + REGISTRATION_TOKEN_LIFETIME_MS;
      grants.set(token, { ...grant, expiresAtMs });
      return { token, expiresAtMs };
    },
    check(token, meterId) {
      const grant = grants.get(token);
      if (grant === undefined || grant.expiresAtMs <= now()) throw refused();
      const a = Buffer.from(grant.meterId);
      const b = Buffer.from(meterId);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw refused();
      return grant;
    },
    consume(token) {
      grants.delete(token);
    },
  };
}
