import { describe, expect, it } from 'vitest';
import { FakeExtensionPort } from '../shared/fake-extension-port.js';
import { POPUP_PORT } from '../shared/port-names.js';
import { CompanionLink } from './companion-link.js';
import { FakeNativePort } from './fake-native-port.js';
import type { PortSender } from './page-sender.js';
import { servePopupPort } from './serve-popup-port.js';

const OWN_ID = 'cgmdonginiikpoindfahfnaokakjjmln';
const POPUP_URL = `chrome-extension://${OWN_ID}/popup.html`;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(sender: PortSender) {
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
  const port = new FakeExtensionPort(POPUP_PORT, sender);
  servePopupPort(port, {
    ownId: OWN_ID,
    popupUrl: POPUP_URL,
    primaryOrigin: 'https://localhost:8443',
    companion,
    newRequestId: () => 'popup-request-1',
  });
  return { port, natives };
}

describe('servePopupPort (DESIGN §8)', () => {
  it('asks the companion for status on behalf of the primary origin and answers the popup', async () => {
    const { port, natives } = setup({ id: OWN_ID, url: POPUP_URL });
    const native = natives[0];
    if (native === undefined) throw new Error('no native port');
    native.greet();
    await flush();
    expect(native.sent[1]).toMatchObject({ origin: 'https://localhost:8443', request: { type: 'status' } });
    const payload = { companionVersion: '0.1.0', locked: true, registrations: [], vault: 'unreachable' };
    native.deliver({ protocol: 1, requestId: 'native-request-1', kind: 'response', for: 'status', payload });
    await flush();
    expect(port.sent).toEqual([
      {
        source: 'indicium-extension',
        protocol: 1,
        requestId: 'popup-request-1',
        type: 'response',
        for: 'status',
        payload,
      },
    ]);
  });

  it('closes a port that is not our popup, without asking the companion', () => {
    const { port, natives } = setup({
      id: OWN_ID,
      url: 'https://localhost:8443/',
      frameId: 0,
      tab: { id: 1 },
    });
    expect(port.disconnected).toBe(true);
    expect(natives).toHaveLength(0);
  });

  it('shows the companion error when it is missing', async () => {
    const { port, natives } = setup({ id: OWN_ID, url: POPUP_URL });
    natives[0]?.closeFromPeer('Specified native messaging host not found.');
    await flush();
    expect(port.sent).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ code: 'COMPANION_UNAVAILABLE' }),
      }),
    ]);
  });
});
