import {
  EXTENSION_SOURCE,
  ExtensionToPageSchema,
  IndiciumError,
  PAGE_SOURCE,
  PageRequestSchema,
  PROTOCOL_VERSION,
  RequestIdSchema,
  toWireError,
} from '@indicium/protocol';
import type { ExtensionPort } from '../shared/extension-port.js';

/** The part of the page's `window` the bridge uses (the content script's own view of it). */
export interface BridgeWindow {
  readonly location: { readonly origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(
    type: 'message',
    listener: (event: { data: unknown; source: unknown; origin: string }) => void,
  ): void;
}

/**
 * The content script's relay between the page and the background (DESIGN §4.1). It trusts nothing:
 * - it reads only messages this very window posted to itself (`event.source === window`, same
 *   origin): a frame, an opener or another tab cannot use it;
 * - it reads only the page API's exact envelope (strict schema); a message with our source tag that
 *   fails the schema gets a MALFORMED_REQUEST or VERSION_MISMATCH answer, anything else is ignored;
 * - it acks at once (the page's 1 s budget), then opens a port per request to the background,
 *   which decides on the origin from what the browser attests, not from anything said here.
 */
export function startPageBridge(win: BridgeWindow, connect: () => ExtensionPort): void {
  const post = (message: Record<string, unknown>) =>
    win.postMessage(
      { source: EXTENSION_SOURCE, protocol: PROTOCOL_VERSION, ...message },
      win.location.origin,
    );

  win.addEventListener('message', (event) => {
    if (event.source !== win || event.origin !== win.location.origin) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || (data as { source?: unknown }).source !== PAGE_SOURCE)
      return;
    const parsed = PageRequestSchema.safeParse(data);
    if (!parsed.success) {
      post({
        requestId: readableRequestId(data),
        type: 'error',
        error: toWireError(refusalOf(data, parsed.error)),
      });
      return;
    }
    const request = parsed.data;
    const requestId = request.requestId;
    post({ requestId, type: 'ack' });
    let answered = false;
    let port: ExtensionPort;
    try {
      port = connect();
    } catch (error) {
      // The extension was updated or removed under this page: its old content script is orphaned.
      post({
        requestId,
        type: 'error',
        error: toWireError(
          new IndiciumError('EXTENSION_UNAVAILABLE', { detail: 'reload the page', cause: error }),
        ),
      });
      return;
    }
    port.onMessage.addListener((message) => {
      const reply = ExtensionToPageSchema.safeParse(message);
      if (!reply.success || reply.data.requestId !== requestId || reply.data.type === 'ack') return;
      if (reply.data.type !== 'progress') answered = true;
      win.postMessage(reply.data, win.location.origin);
    });
    port.onDisconnect.addListener(() => {
      if (answered) return;
      post({
        requestId,
        type: 'error',
        error: toWireError(
          new IndiciumError('EXTENSION_UNAVAILABLE', { detail: 'the extension stopped before it answered' }),
        ),
      });
    });
    port.postMessage(request);
  });
}

function readableRequestId(data: unknown): string | null {
  const parsed = RequestIdSchema.safeParse((data as { requestId?: unknown }).requestId);
  return parsed.success ? parsed.data : null;
}

function refusalOf(
  data: unknown,
  error: { issues: readonly { path: readonly PropertyKey[] }[] },
): IndiciumError {
  const protocol = (data as { protocol?: unknown }).protocol;
  if (typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
    return new IndiciumError('VERSION_MISMATCH', {
      field: 'protocol',
      details: {
        update: protocol < PROTOCOL_VERSION ? 'page' : 'extension',
        page: protocol,
        extension: PROTOCOL_VERSION,
      },
    });
  }
  return new IndiciumError('MALFORMED_REQUEST', { field: error.issues[0]?.path.map(String).join('.') ?? '' });
}
