import { describe, expect, it } from 'vitest';
import { FakeExtensionPort } from '../shared/fake-extension-port.js';
import { PAGE_PORT } from '../shared/port-names.js';
import { CompanionLink } from './companion-link.js';
import { FakeNativePort } from './fake-native-port.js';
import type { PortSender } from './page-sender.js';
import { servePagePort } from './serve-page-port.js';

const OWN_ID = 'cgmdonginiikpoindfahfnaokakjjmln';
const ORIGIN = 'https://localhost:8443';
const top: PortSender = { id: OWN_ID, origin: ORIGIN, url: `${ORIGIN}/`, frameId: 0, tab: { id: 1 } };
const request = (extra: Record<string, unknown> = {}) => ({
  source: 'indicium-page',
  protocol: 1,
  requestId: 'page-request-1',
  type: 'status',
  payload: {},
  ...extra,
});
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The page-port handler over a real CompanionLink whose native port is a fake. */
function setup(sender: PortSender | undefined) {
  const natives: FakeNativePort[] = [];
  const companion = new CompanionLink({
    connect: () => {
      const native = new FakeNativePort();
      natives.push(native);
      return native;
    },
    extensionVersion: '0.1.0',
    newRequestId: () => 'native-request-1',
  });
  const port = new FakeExtensionPort(PAGE_PORT, sender);
  servePagePort(port, { ownId: OWN_ID, allowedOrigins: [ORIGIN], companion });
  return { port, natives };
}

describe('servePagePort (DESIGN §4.1)', () => {
  it('forwards the call with the attested origin, relays progress and the answer, then closes', async () => {
    const { port, natives } = setup(top);
    port.deliver(request());
    const native = natives[0];
    if (native === undefined) throw new Error('no native port');
    native.greet();
    await flush();
    expect(native.sent[1]).toEqual({
      kind: 'request',
      protocol: 1,
      requestId: 'native-request-1',
      origin: ORIGIN,
      request: { type: 'status', payload: {} },
    });
    native.deliver({ protocol: 1, requestId: 'native-request-1', kind: 'progress', stage: 'challenge' });
    const payload = { companionVersion: '0.1.0', locked: false, registrations: [], vault: 'reachable' };
    native.deliver({ protocol: 1, requestId: 'native-request-1', kind: 'response', for: 'status', payload });
    await flush();
    const base = { source: 'indicium-extension', protocol: 1, requestId: 'page-request-1' };
    expect(port.sent).toEqual([
      { ...base, type: 'progress', stage: 'challenge' },
      { ...base, type: 'response', for: 'status', payload },
    ]);
    expect(port.disconnected).toBe(true);
  });

  it.each<[string, PortSender | undefined]>([
    ['another port', { ...top, origin: 'https://localhost:9443' }],
    ['an iframe', { ...top, frameId: 2 }],
    ['another extension', { ...top, id: 'abcdefghijklmnopabcdefghijklmnop' }],
    ['plain http', { ...top, origin: 'http://localhost:8443' }],
  ])('refuses %s with ORIGIN_NOT_ALLOWED and never opens the companion', async (_name, sender) => {
    const { port, natives } = setup(sender);
    port.deliver(request());
    await flush();
    expect(port.sent).toEqual([
      expect.objectContaining({
        requestId: 'page-request-1',
        type: 'error',
        error: expect.objectContaining({ code: 'ORIGIN_NOT_ALLOWED', field: 'origin' }),
      }),
    ]);
    expect(natives).toHaveLength(0);
    expect(port.disconnected).toBe(true);
  });

  it.each([
    ['a forged origin in the envelope', request({ origin: ORIGIN })],
    ['a forged origin in the payload', request({ payload: { origin: ORIGIN } })],
    ['an unknown call', request({ type: 'format-disk' })],
    ['a wrong source tag', request({ source: 'indicium-extension' })],
    ['not an object', 'status'],
  ])('refuses %s with MALFORMED_REQUEST before anything else', async (_name, message) => {
    const { port, natives } = setup(top);
    port.deliver(message);
    await flush();
    expect(port.sent).toEqual([
      expect.objectContaining({
        requestId: null,
        type: 'error',
        error: expect.objectContaining({ code: 'MALFORMED_REQUEST' }),
      }),
    ]);
    expect(natives).toHaveLength(0);
  });

  it('serves one request per port: a second message is ignored', async () => {
    const { port, natives } = setup({ ...top, origin: 'https://localhost:9443' });
    port.deliver(request());
    port.deliver(request({ requestId: 'page-request-2' }));
    await flush();
    expect(port.sent).toHaveLength(1);
    expect(natives).toHaveLength(0);
  });

  it('a page that went away while the companion worked: the late answer is dropped quietly', async () => {
    const { port, natives } = setup(top);
    port.deliver(request());
    natives[0]?.greet();
    await flush();
    port.closeFromPeer();
    natives[0]?.deliver({
      protocol: 1,
      requestId: 'native-request-1',
      kind: 'response',
      for: 'status',
      payload: { companionVersion: '0.1.0', locked: false, registrations: [], vault: 'reachable' },
    });
    await flush();
    expect(port.sent).toEqual([]);
  });
});
