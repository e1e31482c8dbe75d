import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeExtensionPort } from '../shared/fake-extension-port.js';
import { PAGE_PORT } from '../shared/port-names.js';
import { type BridgeWindow, startPageBridge } from './page-bridge.js';

const ORIGIN = 'https://localhost:8443';
const request = (extra: Record<string, unknown> = {}) => ({
  source: 'indicium-page',
  protocol: 1,
  requestId: 'page-request-1',
  type: 'status',
  payload: {},
  ...extra,
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

let win: Window;
let ports: FakeExtensionPort[];
/** Every extension message the page could read, in order. */
let toPage: Record<string, unknown>[];
let connectFails: boolean;

beforeEach(() => {
  win = new Window({ url: `${ORIGIN}/print` });
  ports = [];
  toPage = [];
  connectFails = false;
  win.addEventListener('message', (event) => {
    const data = (event as unknown as { data: Record<string, unknown> }).data;
    if (data?.source === 'indicium-extension') toPage.push(data);
  });
  startPageBridge(win as unknown as BridgeWindow, () => {
    if (connectFails) throw new Error('Extension context invalidated.');
    const port = new FakeExtensionPort(PAGE_PORT);
    ports.push(port);
    return port;
  });
});
afterEach(async () => {
  await win.happyDOM.close();
});

describe('startPageBridge: the content script relay (DESIGN §4.1)', () => {
  it('acks at once, forwards the parsed request on its own port, relays the answer', async () => {
    win.postMessage(request(), ORIGIN);
    await settle();
    expect(toPage).toEqual([
      { source: 'indicium-extension', protocol: 1, requestId: 'page-request-1', type: 'ack' },
    ]);
    const port = ports[0];
    if (port === undefined) throw new Error('no port');
    expect(port.sent).toEqual([request()]);
    const base = { source: 'indicium-extension', protocol: 1, requestId: 'page-request-1' };
    port.deliver({ ...base, type: 'progress', stage: 'printing' });
    port.deliver({ ...base, type: 'response', for: 'lock', payload: { locked: true } });
    port.closeFromPeer();
    await settle();
    expect(toPage.slice(1)).toEqual([
      { ...base, type: 'progress', stage: 'printing' },
      { ...base, type: 'response', for: 'lock', payload: { locked: true } },
    ]);
  });

  it('reads only what this window posted to itself', async () => {
    const other = new Window({ url: 'https://evil.example/' });
    win.dispatchEvent(
      new win.MessageEvent('message', { data: request(), source: other as never, origin: ORIGIN }),
    );
    win.dispatchEvent(
      new win.MessageEvent('message', {
        data: request(),
        source: win as never,
        origin: 'https://evil.example',
      }),
    );
    await settle();
    expect(toPage).toEqual([]);
    expect(ports).toHaveLength(0);
    await other.happyDOM.close();
  });

  it('ignores messages that are not for it, and answers malformed ones with our tag', async () => {
    win.postMessage({ hello: 'world' }, ORIGIN);
    win.postMessage('indicium-page', ORIGIN);
    win.postMessage(request({ origin: ORIGIN }), ORIGIN);
    win.postMessage(request({ requestId: 'x', payload: [] }), ORIGIN);
    await settle();
    expect(ports).toHaveLength(0);
    expect(toPage).toEqual([
      expect.objectContaining({
        requestId: 'page-request-1',
        type: 'error',
        error: expect.objectContaining({ code: 'MALFORMED_REQUEST' }),
      }),
      expect.objectContaining({
        requestId: null,
        type: 'error',
        error: expect.objectContaining({ code: 'MALFORMED_REQUEST' }),
      }),
    ]);
  });

  it('a page speaking another protocol gets VERSION_MISMATCH naming the part to update', async () => {
    win.postMessage(request({ protocol: 2 }), ORIGIN);
    await settle();
    expect(toPage).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({
          code: 'VERSION_MISMATCH',
          details: expect.objectContaining({ update: 'extension' }),
        }),
      }),
    ]);
  });

  it('drops replies for other request ids and extra acks from the background', async () => {
    win.postMessage(request(), ORIGIN);
    await settle();
    const port = ports[0];
    if (port === undefined) throw new Error('no port');
    port.deliver({
      source: 'indicium-extension',
      protocol: 1,
      requestId: 'someone-else-1',
      type: 'progress',
      stage: 'printing',
    });
    port.deliver({ source: 'indicium-extension', protocol: 1, requestId: 'page-request-1', type: 'ack' });
    port.deliver({
      source: 'indicium-extension',
      protocol: 1,
      requestId: 'page-request-1',
      type: 'response',
      for: 'status',
      payload: {},
    });
    await settle();
    expect(toPage).toHaveLength(1);
  });

  it('a background that goes away before answering gives EXTENSION_UNAVAILABLE', async () => {
    win.postMessage(request(), ORIGIN);
    await settle();
    ports[0]?.closeFromPeer();
    await settle();
    expect(toPage.at(-1)).toMatchObject({ type: 'error', error: { code: 'EXTENSION_UNAVAILABLE' } });
  });

  it('an orphaned content script (extension reloaded) gives EXTENSION_UNAVAILABLE after the ack', async () => {
    connectFails = true;
    win.postMessage(request(), ORIGIN);
    await settle();
    expect(toPage.map((m) => m.type)).toEqual(['ack', 'error']);
    expect(toPage[1]).toMatchObject({ error: { code: 'EXTENSION_UNAVAILABLE' } });
  });
});
