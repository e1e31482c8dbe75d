/**
 * The part of a browser `window` the page client uses. Declared structurally so that the protocol
 * package needs no DOM typings and a test can hand in any DOM-like window (happy-dom, jsdom).
 */
export interface PageMessageEvent {
  readonly data: unknown;
  /** The window that posted; the content script posts from the page's own window (DESIGN §4.1). */
  readonly source: unknown;
  readonly origin: string;
}

export type PageMessageListener = (event: PageMessageEvent) => void;

export interface PageWindow {
  readonly location: { readonly origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: PageMessageListener): void;
  removeEventListener(type: 'message', listener: PageMessageListener): void;
}
