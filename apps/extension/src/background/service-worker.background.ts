/**
 * The background service worker (Chrome) / background script (Firefox): the extension's composition
 * root (DESIGN §4.1, §8). It owns the one native port to the companion and serves two kinds of
 * runtime port: page requests from the content script, and the popup's status question.
 */
import { NATIVE_HOST_NAME } from '@indicium/protocol';
import browser from 'webextension-polyfill';
import { ALLOWED_ORIGINS } from '../shared/build-constants.js';
import type { ExtensionPort } from '../shared/extension-port.js';
import { PAGE_PORT, POPUP_PORT } from '../shared/port-names.js';
import { CompanionLink } from './companion-link.js';
import type { NativePort } from './native-port.js';
import { servePagePort } from './serve-page-port.js';
import { servePopupPort } from './serve-popup-port.js';

const ownId = browser.runtime.id;
const newRequestId = () => crypto.randomUUID();

const companion = new CompanionLink({
  connect: () => browser.runtime.connectNative(NATIVE_HOST_NAME) as unknown as NativePort,
  extensionVersion: browser.runtime.getManifest().version,
  // Chrome reports why a native port closed (host not found, exited) only here.
  lastError: () =>
    (globalThis as { chrome?: { runtime?: { lastError?: { message?: string } } } }).chrome?.runtime?.lastError
      ?.message,
  newRequestId,
});

browser.runtime.onConnect.addListener((runtimePort) => {
  const port = runtimePort as unknown as ExtensionPort;
  if (port.name === PAGE_PORT) {
    servePagePort(port, { ownId, allowedOrigins: ALLOWED_ORIGINS, companion });
  } else if (port.name === POPUP_PORT) {
    servePopupPort(port, {
      ownId,
      popupUrl: browser.runtime.getURL('popup.html'),
      primaryOrigin: ALLOWED_ORIGINS[0] ?? '',
      companion,
      newRequestId,
    });
  } else {
    port.disconnect();
  }
});
