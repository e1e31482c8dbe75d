import { EXTENSION_SOURCE, IndiciumError, PROTOCOL_VERSION, toWireError } from '@indicium/protocol';
import type { ExtensionPort } from '../shared/extension-port.js';
import type { CompanionLink } from './companion-link.js';
import { isOwnPopup } from './page-sender.js';

export interface PopupPortDeps {
  readonly ownId: string;
  readonly popupUrl: string;
  /** The origin the popup's status is asked for: the first allow-listed one, the vault's site. */
  readonly primaryOrigin: string;
  readonly companion: Pick<CompanionLink, 'call'>;
  readonly newRequestId: () => string;
}

/**
 * The popup's one question (DESIGN §8): the companion's `status` — companion, vault and meters.
 * The companion allows only page origins, so the popup asks on behalf of the primary allow-listed
 * origin, the site whose status it shows. Only our own popup page may ask; anything else is closed.
 * The answer uses the page API's message shapes, so the popup parses it with the same schemas.
 */
export function servePopupPort(port: ExtensionPort, deps: PopupPortDeps): void {
  if (!isOwnPopup(port.sender, deps.ownId, deps.popupUrl)) {
    port.disconnect();
    return;
  }
  let closed = false;
  port.onDisconnect.addListener(() => {
    closed = true;
  });
  const requestId = deps.newRequestId();
  const finish = (message: Record<string, unknown>) => {
    if (closed) return;
    port.postMessage({ source: EXTENSION_SOURCE, protocol: PROTOCOL_VERSION, requestId, ...message });
    port.disconnect();
  };
  deps.companion
    .call(deps.primaryOrigin, { type: 'status', payload: {} }, () => undefined)
    .then(
      (outcome) =>
        outcome.ok
          ? finish({ type: 'response', for: outcome.answer.for, payload: outcome.answer.payload })
          : finish({ type: 'error', error: outcome.error }),
      (error: unknown) =>
        finish({ type: 'error', error: toWireError(new IndiciumError('INTERNAL_ERROR', { cause: error })) }),
    );
}
