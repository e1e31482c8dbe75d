import type { z } from 'zod';
import { fromWireError, IndiciumError } from '../errors/indicium-error.js';
import {
  EXTENSION_SOURCE,
  type ExtensionToPage,
  PAGE_SOURCE,
  PageAckSchema,
  PageErrorSchema,
  PageProgressSchema,
  PageResponseSchema,
} from '../schemas/page-api.js';
import type { PageCallAnswer, PageCallType, ProgressStage } from '../schemas/page-calls.js';
import { PROTOCOL_VERSION } from '../schemas/primitives.js';
import type { PageMessageEvent, PageWindow } from './page-window.js';

export interface PageCallRun<T extends PageCallType> {
  readonly window: PageWindow;
  readonly requestId: string;
  readonly type: T;
  /** Already validated against the call's request schema. */
  readonly payload: unknown;
  readonly ackTimeoutMs: number;
  readonly timeoutMs: number;
  readonly onProgress: ((stage: ProgressStage) => void) | undefined;
}

/**
 * Posts one request and settles with its answer (DESIGN §4.1). Two clocks run: the ack clock (no
 * ack in time means no content script, EXTENSION_UNAVAILABLE) and the overall clock (TIMEOUT).
 * Only messages posted by this very window, from its own origin, tagged by the extension and
 * carrying this request id are read; everything else on the channel is someone else's traffic.
 */
export function runPageCall<T extends PageCallType>(run: PageCallRun<T>): Promise<PageCallAnswer<T>> {
  const { window: win, requestId, type } = run;
  return new Promise<PageCallAnswer<T>>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(ackTimer);
      clearTimeout(overallTimer);
      win.removeEventListener('message', onMessage);
      settle();
    };
    const fail = (error: IndiciumError): void => finish(() => reject(error));

    const onMessage = (event: PageMessageEvent): void => {
      if (event.source !== win || event.origin !== win.location.origin) return;
      const data: unknown = event.data;
      if (!isRecord(data) || data.source !== EXTENSION_SOURCE || data.requestId !== requestId) return;
      if (data.protocol !== PROTOCOL_VERSION) {
        // The side with the older protocol is the one to update (DESIGN §4.1).
        const theirs = typeof data.protocol === 'number' ? data.protocol : 0;
        fail(
          new IndiciumError('VERSION_MISMATCH', {
            details: {
              update: theirs > PROTOCOL_VERSION ? 'page' : 'extension',
              page: PROTOCOL_VERSION,
              extension: theirs,
            },
          }),
        );
        return;
      }
      // Parse by message type, so that a refusal names the field that is wrong.
      const schema =
        typeof data.type === 'string' && Object.hasOwn(BY_TYPE, data.type) ? BY_TYPE[data.type] : undefined;
      if (schema === undefined) {
        fail(
          new IndiciumError('INTERNAL_ERROR', {
            field: 'type',
            detail: 'the extension sent an unknown message',
          }),
        );
        return;
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        fail(
          new IndiciumError('INTERNAL_ERROR', {
            field: parsed.error.issues[0]?.path.join('.') ?? '',
            detail: 'the extension sent an answer this page cannot read',
          }),
        );
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'ack':
          clearTimeout(ackTimer);
          return;
        case 'progress':
          clearTimeout(ackTimer);
          reportProgress(run.onProgress, message.stage);
          return;
        case 'response':
          if (message.for !== type) {
            fail(
              new IndiciumError('INTERNAL_ERROR', {
                field: 'for',
                detail: `the answer is for '${message.for}', not '${type}'`,
              }),
            );
            return;
          }
          finish(() => resolve(message.payload as PageCallAnswer<T>));
          return;
        case 'error':
          fail(fromWireError(message.error));
          return;
      }
    };

    const ackTimer = setTimeout(
      () =>
        fail(
          new IndiciumError('EXTENSION_UNAVAILABLE', {
            detail: `no acknowledgement within ${run.ackTimeoutMs} ms`,
            details: { ackTimeoutMs: run.ackTimeoutMs },
          }),
        ),
      run.ackTimeoutMs,
    );
    const overallTimer = setTimeout(
      () =>
        fail(new IndiciumError('TIMEOUT', { detail: `'${type}' had no answer within ${run.timeoutMs} ms` })),
      run.timeoutMs,
    );

    win.addEventListener('message', onMessage);
    try {
      win.postMessage(
        { source: PAGE_SOURCE, protocol: PROTOCOL_VERSION, requestId, type, payload: run.payload },
        // Our own origin: the request is for the content script in this window and nobody else.
        win.location.origin,
      );
    } catch (error) {
      finish(() =>
        reject(new IndiciumError('EXTENSION_UNAVAILABLE', { detail: 'postMessage failed', cause: error })),
      );
    }
  });
}

const BY_TYPE: Readonly<Record<string, z.ZodType<ExtensionToPage>>> = Object.freeze({
  ack: PageAckSchema,
  progress: PageProgressSchema,
  response: PageResponseSchema,
  error: PageErrorSchema,
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A progress callback that throws must not break the call it reports on. */
function reportProgress(
  onProgress: ((stage: ProgressStage) => void) | undefined,
  stage: ProgressStage,
): void {
  if (onProgress === undefined) return;
  try {
    onProgress(stage);
  } catch {
    // The page's own rendering failed; the call itself is still running and will settle.
  }
}
