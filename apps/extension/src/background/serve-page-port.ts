import {
  EXTENSION_SOURCE,
  IndiciumError,
  type PageCall,
  type PageRequest,
  PageRequestSchema,
  PROTOCOL_VERSION,
  toWireError,
} from '@indicium/protocol';
import type { ExtensionPort } from '../shared/extension-port.js';
import type { CompanionLink } from './companion-link.js';
import { pageOriginOf } from './page-sender.js';

export interface PagePortDeps {
  readonly ownId: string;
  readonly allowedOrigins: readonly string[];
  readonly companion: Pick<CompanionLink, 'call'>;
}

/**
 * One page request, on its own port from the content script (DESIGN §4.1). The first message is
 * the page's request; the background re-validates it (the content script runs in a page it does
 * not control), takes the origin from `port.sender` only, and forwards `{origin, request}` to the
 * companion. Progress and the one answer go back on the same port, which then closes. Nothing from
 * a refused page ever reaches the companion.
 */
export function servePagePort(port: ExtensionPort, deps: PagePortDeps): void {
  let closed = false;
  let started = false;
  port.onDisconnect.addListener(() => {
    closed = true;
  });
  const send = (message: Record<string, unknown>) => {
    if (closed) return;
    try {
      port.postMessage({ source: EXTENSION_SOURCE, protocol: PROTOCOL_VERSION, ...message });
    } catch {
      closed = true;
    }
  };
  const finish = (message: Record<string, unknown>) => {
    send(message);
    if (!closed) port.disconnect();
    closed = true;
  };

  port.onMessage.addListener((message) => {
    if (started) return; // One request per port.
    started = true;
    const parsed = PageRequestSchema.safeParse(message);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') ?? '';
      finish({
        requestId: null,
        type: 'error',
        error: toWireError(new IndiciumError('MALFORMED_REQUEST', { field })),
      });
      return;
    }
    void forward(parsed.data);
  });

  async function forward(request: PageRequest): Promise<void> {
    const requestId = request.requestId;
    let origin: string;
    try {
      origin = pageOriginOf(port.sender, deps.ownId, deps.allowedOrigins);
    } catch (error) {
      finish({ requestId, type: 'error', error: toWireError(error) });
      return;
    }
    const outcome = await deps.companion.call(origin, callOf(request), (stage) =>
      send({ requestId, type: 'progress', stage }),
    );
    if (outcome.ok)
      finish({ requestId, type: 'response', for: outcome.answer.for, payload: outcome.answer.payload });
    else finish({ requestId, type: 'error', error: outcome.error });
  }
}

/**
 * Only the call crosses to the companion: the page's envelope stays here, and the payload is the
 * schema-parsed copy (strict objects, so no extra field such as a forged `origin` survives).
 */
function callOf(request: PageRequest): PageCall {
  // TypeScript cannot pair `type` and `payload` of one union member when they are read apart.
  return { type: request.type, payload: request.payload } as PageCall;
}
