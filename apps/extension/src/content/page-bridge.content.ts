/**
 * The content script entry (DESIGN §4.1): injected at document start into the top frame of
 * allow-listed https hosts only (see the manifest), where it relays the page API to the background.
 */
import browser from 'webextension-polyfill';
import type { ExtensionPort } from '../shared/extension-port.js';
import { PAGE_PORT } from '../shared/port-names.js';
import { startPageBridge } from './page-bridge.js';

startPageBridge(window, () => browser.runtime.connect({ name: PAGE_PORT }) as unknown as ExtensionPort);
