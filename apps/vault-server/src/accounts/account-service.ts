import { randomUUID } from 'node:crypto';
import {
  type Customer,
  IndiciumError,
  type LoginRequest,
  PROTOCOL_VERSION,
  type SessionAnswer,
  type SignUpRequest,
} from '@indicium/protocol';
import type { AccountRecord, CustomerRecord } from '../store/store-records.js';
import type { AccountsStore } from './accounts-store.js';
import type { LoginThrottle } from './login-throttle.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hash.js';
import { csrfTokenFor, hashCsrfToken, hashSessionId, newSessionId } from './session-tokens.js';

/** Sessions end this long after login, whatever the activity (DESIGN §6 web sessions). */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

export interface AccountServiceDeps {
  readonly store: AccountsStore;
  readonly throttle: LoginThrottle;
  readonly sessionKey: Buffer;
  readonly now?: () => number;
}

/** A session just opened: the id goes in the cookie, the answer in the body. */
export interface OpenedSession {
  readonly sessionId: string;
  readonly expiresAt: Date;
  readonly answer: SessionAnswer;
}

export interface AccountService {
  signUp(request: SignUpRequest): Promise<OpenedSession>;
  login(request: LoginRequest, clientIp: string): Promise<OpenedSession>;
  logout(sessionId: string): Promise<void>;
  /** The session answer for a live session (GET /v1/account), with its CSRF token again. */
  me(sessionId: string, customerId: string): Promise<SessionAnswer>;
}

function customerOf(customer: CustomerRecord, account: AccountRecord): Customer {
  return {
    customerId: customer.customerId,
    email: account.email,
    displayName: customer.displayName,
    createdAt: new Date(customer.createdAtMs).toISOString(),
  };
}

/**
 * Web accounts (DESIGN §6): sign-up, login, logout, me. Passwords are hashed with scrypt, sessions
 * are stored by HMAC of their id with the hash of their CSRF token, a new login always gets a new
 * id (no fixation), and failed logins are throttled per account and per IP before any hash is
 * computed.
 *
 * @example
 * const service = createAccountService({ store, throttle: createLoginThrottle(store), sessionKey });
 * const { sessionId, answer } = await service.login(body, clientIp);
 */
export function createAccountService(deps: AccountServiceDeps): AccountService {
  const now = deps.now ?? Date.now;

  async function customerFor(account: AccountRecord): Promise<CustomerRecord> {
    const customer = await deps.store.customers.get(account.customerId);
    // The store creates both in one transaction; one without the other is a damaged database.
    if (customer === null) throw new Error(`account ${account.customerId} has no customer record`);
    return customer;
  }

  async function open(customer: CustomerRecord, account: AccountRecord): Promise<OpenedSession> {
    const sessionId = newSessionId();
    const createdAtMs = now();
    const expiresAtMs = createdAtMs + SESSION_LIFETIME_MS;
    const csrfToken = csrfTokenFor(deps.sessionKey, sessionId);
    await deps.store.sessions.create({
      idHash: hashSessionId(deps.sessionKey, sessionId),
      customerId: customer.customerId,
      csrfTokenHash: hashCsrfToken(csrfToken),
      createdAtMs,
      expiresAtMs,
    });
    return {
      sessionId,
      expiresAt: new Date(expiresAtMs),
      answer: { protocol: PROTOCOL_VERSION, customer: customerOf(customer, account), csrfToken },
    };
  }

  return {
    async signUp(request) {
      // The store refuses a taken e-mail (any case) with ACCOUNT_EXISTS, in the same transaction
      // that would have created the customer: no half-made account.
      const account = await deps.store.accounts.create({
        customerId: randomUUID(),
        displayName: request.displayName,
        email: request.email,
        passwordHash: await hashPassword(request.password),
      });
      return open(await customerFor(account), account);
    },

    async login(request, clientIp) {
      const email = request.email.toLowerCase();
      await deps.throttle.check(email, clientIp);
      const account = await deps.store.accounts.findByEmail(email);
      // Hash even for an unknown address, so timing does not tell which addresses have accounts.
      const valid = await verifyPassword(
        request.password,
        account?.passwordHash ?? (await dummyPasswordHash()),
      );
      if (account === null || !valid) {
        // Durable before the refusal leaves: a crash-restart must not reset the count.
        await deps.throttle.recordFailure(email, clientIp);
        throw new IndiciumError('LOGON_FAILED');
      }
      await deps.throttle.recordSuccess(email);
      return open(await customerFor(account), account);
    },

    async logout(sessionId) {
      await deps.store.sessions.delete(hashSessionId(deps.sessionKey, sessionId));
    },

    async me(sessionId, customerId) {
      const account = await deps.store.accounts.getByCustomer(customerId);
      if (account === null) throw new IndiciumError('WEB_SESSION_EXPIRED');
      return {
        protocol: PROTOCOL_VERSION,
        customer: customerOf(await customerFor(account), account),
        csrfToken: csrfTokenFor(deps.sessionKey, sessionId),
      };
    },
  };
}
