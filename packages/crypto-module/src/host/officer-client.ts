import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  type AuditEntry,
  fromBase64,
  fromWireError,
  IndiciumError,
  type ModuleOutcome,
  type ModuleRequest,
  OpenSessionAnswerSchema,
  OpenSessionLayout,
  type SealedMessage,
  toBase64,
} from '@indicium/protocol';
import {
  deriveSessionMasters,
  openMessage,
  type SessionMasters,
  sealMessage,
} from '../sessions/session-crypto.js';
import { generateX25519, x25519Shared } from '../sessions/x25519.js';

/** Anything with the module's entry point: the module itself, or a worker-thread proxy of it. */
export interface ModulePort {
  dispatch(request: ModuleRequest): Promise<ModuleOutcome>;
}

export interface OfficerClientOptions {
  readonly moduleSerial: string;
  /** The module public key (SPKI DER, base64) the host trusts; the session half must verify under it. */
  readonly modulePublicKey: string;
  /** Encrypt every request body (answers follow the request). Default true. */
  readonly encrypt?: boolean;
  /** Receives every audit entry the module emits, for the host to store (DESIGN §3.5). */
  readonly onAudit?: (entry: AuditEntry) => void;
}

/**
 * The host side of an officer session (DESIGN §2, §3.2), used by tests and by `vaultctl`: opens a
 * session, verifies the module's signed X25519 half, then seals every request and opens and checks
 * every answer (MAC, direction, command and the exact counter of the request it answers).
 *
 * @example
 * const client = new OfficerClient(module, { moduleSerial, modulePublicKey });
 * await client.openSession();
 * await client.call('logon', { userId: 'so', password });
 */
export class OfficerClient {
  readonly #port: ModulePort;
  readonly #options: OfficerClientOptions;
  readonly #moduleKey: KeyObject;
  #session: { id: string; masters: SessionMasters; counter: number } | null = null;

  constructor(port: ModulePort, options: OfficerClientOptions) {
    this.#port = port;
    this.#options = options;
    this.#moduleKey = createPublicKey({
      key: Buffer.from(options.modulePublicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
  }

  get sessionId(): string | null {
    return this.#session?.id ?? null;
  }

  async openSession(): Promise<void> {
    const ephemeral = generateX25519();
    const outcome = await this.#dispatch({
      command: 'open-session',
      body: { hostPublicKey: toBase64(ephemeral.publicKey) },
    });
    if (!outcome.ok) throw fromWireError(outcome.error);
    const answer = OpenSessionAnswerSchema.parse(outcome.result);
    const sessionId = fromBase64(answer.sessionId);
    const modulePublicKey = fromBase64(answer.modulePublicKey);
    const signed = OpenSessionLayout.encode({
      moduleSerial: this.#options.moduleSerial,
      sessionId,
      hostPublicKey: ephemeral.publicKey,
      modulePublicKey,
    });
    const ok = verify(
      'sha256',
      signed,
      { key: this.#moduleKey, dsaEncoding: 'ieee-p1363' },
      fromBase64(answer.signature),
    );
    if (!ok)
      throw new IndiciumError('SIGNATURE_INVALID', {
        detail: "the module's session half is not signed by its key",
      });
    const shared = x25519Shared(ephemeral.privateKey, modulePublicKey, 'modulePublicKey');
    this.#session = { id: answer.sessionId, masters: deriveSessionMasters(shared, sessionId), counter: 0 };
    shared.fill(0);
  }

  /** Seals a request with the next counter (exposed so tests can replay, reorder or alter it). */
  seal(command: string, body: unknown = {}): ModuleRequest & { sealed: SealedMessage } {
    const session = this.#requireSession();
    session.counter += 1;
    const sealed = sealMessage(
      {
        direction: 'request',
        master: session.masters.request,
        sessionId: session.id,
        counter: session.counter,
        command,
        encrypt: this.#options.encrypt ?? true,
      },
      body,
    );
    return { command, sealed };
  }

  /** Opens a sealed answer to the request with `counter`; anything else is SESSION_MESSAGE_REJECTED. */
  openAnswer(command: string, counter: number, sealed: SealedMessage): unknown {
    const session = this.#requireSession();
    return openMessage(
      {
        direction: 'answer',
        master: session.masters.answer,
        sessionId: session.id,
        command,
        expectCounter: (c) => c === counter,
      },
      sealed,
    );
  }

  /** Sends a sealed command and returns the raw outcome (refusals included), the result opened. */
  async send(command: string, body: unknown = {}): Promise<ModuleOutcome> {
    const request = this.seal(command, body);
    const outcome = await this.#dispatch(request);
    if (!outcome.ok || outcome.sealed === undefined) return outcome;
    const result = this.openAnswer(command, request.sealed.counter, outcome.sealed);
    return { ok: true, result, ...(outcome.audit === undefined ? {} : { audit: outcome.audit }) };
  }

  /** Sends a sealed command; returns its result or throws the module's refusal as an IndiciumError. */
  async call(command: string, body: unknown = {}): Promise<unknown> {
    const outcome = await this.send(command, body);
    if (!outcome.ok) throw fromWireError(outcome.error);
    return outcome.result;
  }

  async closeSession(): Promise<void> {
    await this.call('close-session');
    this.#session = null;
  }

  async #dispatch(request: ModuleRequest): Promise<ModuleOutcome> {
    const outcome = await this.#port.dispatch(request);
    if (outcome.audit !== undefined) this.#options.onAudit?.(outcome.audit);
    return outcome;
  }

  #requireSession(): { id: string; masters: SessionMasters; counter: number } {
    if (this.#session === null) throw new IndiciumError('NO_SESSION');
    return this.#session;
  }
}
