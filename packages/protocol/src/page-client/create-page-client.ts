import { IndiciumError } from '../errors/indicium-error.js';
import { PAGE_ACK_TIMEOUT_MS } from '../schemas/page-api.js';
import {
  PAGE_CALLS,
  type PageCallAnswer,
  type PageCallRequest,
  type PageCallType,
  type ProgressStage,
} from '../schemas/page-calls.js';
import { DEFAULT_CALL_TIMEOUTS_MS } from './call-timeouts.js';
import { detectSetup, type SetupState } from './detect-setup.js';
import type { PageWindow } from './page-window.js';
import { randomRequestId } from './random-request-id.js';
import { runPageCall } from './run-page-call.js';

export interface PageClientOptions {
  /** The page's window; the extension's content script listens on it. */
  readonly window: PageWindow;
  /** One overall time-out for every call; by default each call has its own (DEFAULT_CALL_TIMEOUTS_MS). */
  readonly timeoutMs?: number;
  /** How long to wait for the content script's ack (DESIGN §4.1: 1 s). */
  readonly ackTimeoutMs?: number;
  /** Request ids; by default 128 random bits in hex (`randomRequestId`). */
  readonly newRequestId?: () => string;
}

export interface CallOptions {
  /** Stages of a long call (print) as the companion reports them. */
  readonly onProgress?: (stage: ProgressStage) => void;
  /** Overrides the client's time-out for this call. */
  readonly timeoutMs?: number;
}

export interface PageClient {
  /**
   * Asks the companion, through the extension, to run one call. Resolves with the call's typed
   * answer; rejects with an `IndiciumError` whose code says who must act (EXTENSION_UNAVAILABLE,
   * COMPANION_UNAVAILABLE, COMPANION_LOCKED, TIMEOUT, INVALID_INPUT with `field`, …).
   */
  call<T extends PageCallType>(
    type: T,
    payload: PageCallRequest<T>,
    options?: CallOptions,
  ): Promise<PageCallAnswer<T>>;
  /** Where this computer stands for the setup wizard: no extension, no companion, locked, … */
  detect(): Promise<SetupState>;
}

/**
 * The page side of the page API (DESIGN §4.1): `window.postMessage` with a request id, an ack
 * within 1 s or EXTENSION_UNAVAILABLE, progress, and the protocol's typed errors. Browser-safe:
 * no Node built-ins.
 *
 * @example
 * const client = createPageClient({ window });
 * const setup = await client.detect(); // { state: 'locked', nextStep: 'Unlock it …', status }
 * const printed = await client.call('print', request, { onProgress: (stage) => show(stage) });
 */
export function createPageClient(options: PageClientOptions): PageClient {
  const ackTimeoutMs = options.ackTimeoutMs ?? PAGE_ACK_TIMEOUT_MS;
  const newRequestId = options.newRequestId ?? randomRequestId;

  const call = async <T extends PageCallType>(
    type: T,
    payload: PageCallRequest<T>,
    callOptions: CallOptions = {},
  ): Promise<PageCallAnswer<T>> => {
    if (typeof type !== 'string' || !Object.hasOwn(PAGE_CALLS, type)) {
      throw new IndiciumError('MALFORMED_REQUEST', {
        field: 'type',
        detail: `unknown call '${String(type)}'`,
      });
    }
    // Refuse bad input here, naming the field, before it crosses into the extension.
    const checked = PAGE_CALLS[type].request.safeParse(payload);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new IndiciumError('INVALID_INPUT', {
        field: issue?.path.join('.') ?? '',
        detail: issue?.message ?? '',
      });
    }
    return runPageCall({
      window: options.window,
      requestId: newRequestId(),
      type,
      payload: checked.data,
      ackTimeoutMs,
      timeoutMs: callOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_CALL_TIMEOUTS_MS[type],
      onProgress: callOptions.onProgress,
    });
  };

  return Object.freeze({ call, detect: () => detectSetup(() => call('status', {})) });
}
