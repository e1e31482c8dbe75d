import { IndiciumError } from '@indicium/protocol';

/**
 * What the browser says about the script that opened a port (`runtime.Port.sender`). `origin` is
 * Chrome's; Firefox gives only `url`. Typed here because the polyfill's types omit `origin`.
 */
export interface PortSender {
  readonly id?: string | undefined;
  readonly origin?: string | undefined;
  readonly url?: string | undefined;
  readonly frameId?: number | undefined;
  readonly tab?: { readonly id?: number | undefined } | undefined;
}

/**
 * The page origin of a page port, from what the browser attests, never from the page's message
 * (DESIGN §4.1). Refuses with ORIGIN_NOT_ALLOWED:
 * - a port from another extension, or from no tab (`sender.id`, `sender.tab`);
 * - anything but the top frame (`frameId === 0`): an embedded frame is another document, perhaps
 *   another site, and the allow-listed page never asked for it;
 * - an origin that is not https or not exactly on the allow-list — scheme, host **and port**, since
 *   content-script match patterns ignore the port. An opaque origin (`"null"`, sandboxed pages) is
 *   never on the list.
 */
export function pageOriginOf(
  sender: PortSender | undefined,
  ownId: string,
  allowed: readonly string[],
): string {
  const refuse = (detail: string, origin: string | null = null): never => {
    throw new IndiciumError('ORIGIN_NOT_ALLOWED', { field: 'origin', detail, details: { origin } });
  };
  if (sender === undefined || sender.id !== ownId) return refuse('the port is not from this extension');
  if (sender.tab === undefined) return refuse('the port is not from a tab');
  if (sender.frameId !== 0) return refuse('only the top frame of a tab may call the companion');
  const origin = sender.origin ?? originOfUrl(sender.url);
  if (origin === undefined) return refuse('the browser gave no origin');
  if (!origin.startsWith('https://')) return refuse('only https pages may call the companion', origin);
  if (!allowed.includes(origin)) return refuse('this origin is not on the allow-list', origin);
  return origin;
}

function originOfUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).origin;
}

/**
 * The popup's port must come from our own popup page: a content script's `sender.url` is the page's
 * URL, never `chrome-extension://<our id>/popup.html`. (The popup may also be open in a tab.)
 */
export function isOwnPopup(sender: PortSender | undefined, ownId: string, popupUrl: string): boolean {
  return sender !== undefined && sender.id === ownId && sender.url === popupUrl;
}
