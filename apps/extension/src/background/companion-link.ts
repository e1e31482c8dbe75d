import {
  CompanionToExtensionSchema,
  fromWireError,
  IndiciumError,
  NativeErrorSchema,
  NativeHelloSchema,
  type PageAnswer,
  type PageCall,
  PROTOCOL_VERSION,
  type ProgressStage,
  toWireError,
  type WireErrorMessage,
} from '@indicium/protocol';
import type { NativePort } from './native-port.js';

export interface CompanionLinkOptions {
  /** Opens the native port (`runtime.connectNative(NATIVE_HOST_NAME)`). */
  readonly connect: () => NativePort;
  /** This extension's version, sent in the hello. */
  readonly extensionVersion: string;
  /** Why the last port closed, as Chrome reports it (`runtime.lastError`). */
  readonly lastError?: () => string | undefined;
  readonly newRequestId: () => string;
  /** Starting the companion (node) can take a few seconds on a busy machine. */
  readonly helloTimeoutMs?: number;
  /** The longest any call may run in the companion before the link gives up on it. */
  readonly requestTimeoutMs?: number;
}

/** A call's outcome: the answer, or a wire error ready to hand to the page as is. */
export type CompanionOutcome =
  | { readonly ok: true; readonly answer: PageAnswer }
  | { readonly ok: false; readonly error: WireErrorMessage };

interface Pending {
  readonly type: PageCall['type'];
  readonly onProgress: (stage: ProgressStage) => void;
  readonly settle: (outcome: CompanionOutcome) => void;
}

interface Connection {
  readonly port: NativePort;
  readonly ready: Promise<void>;
  companionVersion: string | undefined;
}

const DEFAULT_HELLO_TIMEOUT_MS = 20_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 180_000;

/**
 * The one native-messaging port to the companion (DESIGN §4.1). Opened on first use with a hello
 * (protocol and component versions); a port that closes fails every call in flight with
 * COMPANION_UNAVAILABLE (carrying the browser's reason and the install step) and is reopened by the
 * next call. Calls carry the link's own request ids, so two tabs that pick the same id never see
 * each other's answers. Never rejects: every failure is an outcome with a wire error.
 */
export class CompanionLink {
  readonly #options: CompanionLinkOptions;
  #connection: Connection | undefined;
  readonly #pending = new Map<string, Pending>();

  constructor(options: CompanionLinkOptions) {
    this.#options = options;
  }

  /** The companion's version from the last hello, or undefined when not connected. */
  get companionVersion(): string | undefined {
    return this.#connection?.companionVersion;
  }

  async call(
    origin: string,
    call: PageCall,
    onProgress: (stage: ProgressStage) => void,
  ): Promise<CompanionOutcome> {
    let connection: Connection;
    try {
      connection = this.#connection ?? this.#open();
      await connection.ready;
    } catch (error) {
      return { ok: false, error: wire(error instanceof IndiciumError ? error : unavailable(error)) };
    }
    const requestId = this.#options.newRequestId();
    return new Promise<CompanionOutcome>((resolve) => {
      const timer = setTimeout(
        () =>
          settle({
            ok: false,
            error: wire(new IndiciumError('TIMEOUT', { detail: 'the companion did not answer' })),
          }),
        this.#options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      );
      const settle = (outcome: CompanionOutcome) => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        resolve(outcome);
      };
      this.#pending.set(requestId, { type: call.type, onProgress, settle });
      try {
        connection.port.postMessage({
          kind: 'request',
          protocol: PROTOCOL_VERSION,
          requestId,
          origin,
          request: call,
        });
      } catch (error) {
        this.#closed(connection, error);
      }
    });
  }

  /** Closes the port (the companion then exits); the next call opens a new one. */
  disconnect(): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    connection.port.disconnect();
    this.#closed(connection, new Error('the extension closed the port'));
  }

  #open(): Connection {
    // A browser that throws here (no native messaging, malformed host name) fails the call with
    // COMPANION_UNAVAILABLE through the caller's catch, like a missing host.
    const port = this.#options.connect();
    let helloDone: (() => void) | undefined;
    let helloFailed: ((error: IndiciumError) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      helloDone = resolve;
      helloFailed = reject;
    });
    ready.catch(() => undefined);
    const connection: Connection = { port, ready, companionVersion: undefined };
    this.#connection = connection;
    let greeted = false;
    const helloTimer = setTimeout(() => {
      const error = new IndiciumError('COMPANION_UNAVAILABLE', {
        detail: 'the companion did not answer the hello',
      });
      helloFailed?.(error);
      port.disconnect();
      this.#closed(connection, error);
    }, this.#options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS);

    port.onMessage.addListener((message) => {
      if (this.#connection !== connection) return;
      if (!greeted) {
        const outcome = readHello(message);
        if (outcome instanceof IndiciumError) {
          clearTimeout(helloTimer);
          helloFailed?.(outcome);
          port.disconnect();
          this.#closed(connection, outcome);
          return;
        }
        greeted = true;
        connection.companionVersion = outcome;
        clearTimeout(helloTimer);
        helloDone?.();
        return;
      }
      this.#route(message);
    });
    port.onDisconnect.addListener((closed) => {
      clearTimeout(helloTimer);
      const reason = closed.error?.message ?? this.#options.lastError?.() ?? 'the companion closed the port';
      const error = unavailable(new Error(reason));
      helloFailed?.(error);
      this.#closed(connection, error);
    });
    try {
      port.postMessage({
        kind: 'hello',
        protocol: PROTOCOL_VERSION,
        component: 'extension',
        version: this.#options.extensionVersion,
      });
    } catch (error) {
      helloFailed?.(unavailable(error));
      this.#closed(connection, error);
    }
    return connection;
  }

  #route(message: unknown): void {
    const parsed = CompanionToExtensionSchema.safeParse(message);
    if (!parsed.success) {
      // Unreadable: if it names a call of ours, fail that call rather than let it time out.
      const requestId = (message as { requestId?: unknown } | null)?.requestId;
      const pending = typeof requestId === 'string' ? this.#pending.get(requestId) : undefined;
      pending?.settle({
        ok: false,
        error: wire(
          new IndiciumError('INTERNAL_ERROR', { detail: 'the companion sent an unreadable message' }),
        ),
      });
      return;
    }
    const received = parsed.data;
    const pending = received.requestId === null ? undefined : this.#pending.get(received.requestId);
    if (pending === undefined) return;
    switch (received.kind) {
      case 'progress':
        pending.onProgress(received.stage);
        return;
      case 'response':
        if (received.for !== pending.type) {
          pending.settle({
            ok: false,
            error: wire(
              new IndiciumError('INTERNAL_ERROR', { field: 'for', detail: 'the answer is for another call' }),
            ),
          });
          return;
        }
        pending.settle({ ok: true, answer: { for: received.for, payload: received.payload } as PageAnswer });
        return;
      case 'error':
        pending.settle({ ok: false, error: received.error });
        return;
    }
  }

  #closed(connection: Connection, cause: unknown): void {
    if (this.#connection === connection) this.#connection = undefined;
    const error = wire(cause instanceof IndiciumError ? cause : unavailable(cause));
    for (const pending of [...this.#pending.values()]) pending.settle({ ok: false, error });
  }
}

/** The companion's hello, or the typed reason it is not one (a refusal, a version skew). */
function readHello(message: unknown): string | IndiciumError {
  const hello = NativeHelloSchema.safeParse(message);
  if (hello.success) {
    if (hello.data.component !== 'companion') {
      return new IndiciumError('COMPANION_UNAVAILABLE', {
        detail: 'the native host is not the Indicium companion',
      });
    }
    if (hello.data.protocol !== PROTOCOL_VERSION) {
      const update = hello.data.protocol < PROTOCOL_VERSION ? 'companion' : 'extension';
      return new IndiciumError('VERSION_MISMATCH', {
        field: 'protocol',
        details: { update, extensionProtocol: PROTOCOL_VERSION, companionProtocol: hello.data.protocol },
      });
    }
    return hello.data.version;
  }
  // The companion answers a hello it refuses (wrong extension, old protocol) with an error frame.
  const refusal = NativeErrorSchema.safeParse(message);
  if (refusal.success) return fromWireError(refusal.data.error);
  return new IndiciumError('COMPANION_UNAVAILABLE', {
    detail: 'the native host did not answer with a hello',
  });
}

function unavailable(cause: unknown): IndiciumError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new IndiciumError('COMPANION_UNAVAILABLE', {
    detail: reason,
    details: { reason: reason.slice(0, 256) },
  });
}

function wire(error: unknown): WireErrorMessage {
  return toWireError(error) as WireErrorMessage;
}
