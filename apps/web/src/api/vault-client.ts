import {
  type FundsAnswer,
  FundsAnswerSchema,
  fromWireError,
  type HistoryAnswer,
  HistoryAnswerSchema,
  IndiciumError,
  type LicenceAnswer,
  LicenceAnswerSchema,
  type MetersAnswer,
  MetersAnswerSchema,
  PROTOCOL_VERSION,
  type RegistrationTokenAnswer,
  RegistrationTokenAnswerSchema,
  type RegistrationTokenRequest,
  type SessionAnswer,
  SessionAnswerSchema,
  WEB_PATHS,
} from '@indicium/protocol';

/** The part of `fetch` the client uses; the page passes `window.fetch`. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials: 'same-origin' },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** What the client needs of a protocol schema (zod's `safeParse`), without a zod dependency here. */
interface Parser<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly { path: PropertyKey[] }[] } };
}

export interface SignUpInput {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

/**
 * The web UI's side of the vault account API (DESIGN §6, §8; `WEB_PATHS`). The session is the
 * httpOnly cookie the browser keeps; this client holds only the CSRF token the session answer
 * carries and sends it on every state-changing call. Answers are parsed with the protocol's
 * schemas; refusals come back as `IndiciumError` with the vault's code.
 */
export interface VaultClient {
  signUp(input: SignUpInput): Promise<SessionAnswer>;
  login(email: string, password: string): Promise<SessionAnswer>;
  logout(): Promise<void>;
  /** The session the cookie names, or null when there is none (WEB_SESSION_EXPIRED). */
  resume(): Promise<SessionAnswer | null>;
  meters(): Promise<MetersAnswer>;
  history(meterId: string, limit?: number): Promise<HistoryAnswer>;
  /** Buys postage with the sample vault's test card (`cardNumber` absent: its default test card). */
  purchase(meterId: string, amountMills: number, cardNumber?: string): Promise<FundsAnswer>;
  refund(meterId: string, mailingDate: string): Promise<FundsAnswer>;
  /** Applies for a meter licence; the sample provider approves at once and assigns a meter. */
  applyLicence(licensingZip: string): Promise<LicenceAnswer>;
  registrationToken(
    meterId: string,
    request: Omit<RegistrationTokenRequest, 'protocol'>,
  ): Promise<RegistrationTokenAnswer>;
}

/** Fills `{meterId}` in a path template; the id is URL-encoded (it is validated by the vault too). */
export function meterPath(template: string, meterId: string): string {
  return template.replace('{meterId}', encodeURIComponent(meterId));
}

/** 128 random bits in hex: a purchase or refund retried with the same key happens once. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createVaultClient(options: {
  readonly fetch: FetchLike;
  readonly baseUrl?: string;
}): VaultClient {
  const base = options.baseUrl ?? '';
  let csrfToken: string | null = null;

  async function send(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
    const response = await options.fetch(`${base}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined;
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new IndiciumError('VAULT_UNAVAILABLE', { detail: `HTTP ${response.status} without a JSON body` });
    }
    if (response.status >= 400) {
      const error =
        typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
      throw fromWireError(error);
    }
    return json;
  }

  function parse<T>(schema: Parser<T>, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new IndiciumError('INTERNAL_ERROR', {
        field: parsed.error.issues[0]?.path.join('.') ?? '',
        detail: 'the vault answered something the protocol does not allow',
      });
    }
    return parsed.data;
  }

  function opened(value: unknown): SessionAnswer {
    const answer = parse(SessionAnswerSchema, value);
    csrfToken = answer.csrfToken;
    return answer;
  }

  return Object.freeze({
    async signUp(input: SignUpInput) {
      return opened(await send('POST', WEB_PATHS.signUp, { protocol: PROTOCOL_VERSION, ...input }));
    },
    async login(email: string, password: string) {
      return opened(await send('POST', WEB_PATHS.login, { protocol: PROTOCOL_VERSION, email, password }));
    },
    async logout() {
      try {
        await send('POST', WEB_PATHS.logout);
      } finally {
        csrfToken = null;
      }
    },
    async resume() {
      try {
        return opened(await send('GET', WEB_PATHS.customer));
      } catch (error) {
        if (error instanceof IndiciumError && error.code === 'WEB_SESSION_EXPIRED') return null;
        throw error;
      }
    },
    async meters() {
      return parse(MetersAnswerSchema, await send('GET', WEB_PATHS.meters));
    },
    async history(meterId: string, limit = 50) {
      const path = `${meterPath(WEB_PATHS.history, meterId)}?limit=${limit}`;
      return parse(HistoryAnswerSchema, await send('GET', path));
    },
    async purchase(meterId: string, amountMills: number, cardNumber?: string) {
      const answer = await send('POST', meterPath(WEB_PATHS.purchase, meterId), {
        protocol: PROTOCOL_VERSION,
        amountMills,
        idempotencyKey: newIdempotencyKey(),
        ...(cardNumber === undefined ? {} : { cardNumber }),
      });
      return parse(FundsAnswerSchema, answer);
    },
    async refund(meterId: string, mailingDate: string) {
      const answer = await send('POST', meterPath(WEB_PATHS.refund, meterId), {
        protocol: PROTOCOL_VERSION,
        mailingDate,
        idempotencyKey: newIdempotencyKey(),
      });
      return parse(FundsAnswerSchema, answer);
    },
    async applyLicence(licensingZip: string) {
      const answer = await send('POST', WEB_PATHS.licences, {
        protocol: PROTOCOL_VERSION,
        licensingZip,
        idempotencyKey: newIdempotencyKey(),
      });
      return parse(LicenceAnswerSchema, answer);
    },
    async registrationToken(meterId: string, request: Omit<RegistrationTokenRequest, 'protocol'>) {
      const answer = await send('POST', meterPath(WEB_PATHS.registrationToken, meterId), {
        protocol: PROTOCOL_VERSION,
        ...request,
      });
      return parse(RegistrationTokenAnswerSchema, answer);
    },
  });
}
