import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../errors/error-catalog.js';
import { IndiciumError, toWireError } from '../errors/indicium-error.js';
import { EXTENSION_SOURCE, PageRequestSchema } from '../schemas/page-api.js';
import { createPageClient } from './create-page-client.js';
import { type CompanionStatus, detectSetup } from './detect-setup.js';
import type { PageWindow } from './page-window.js';

const ORIGIN = 'https://localhost:8443';
const meterId = '00042-00001-0000001001';
const status = (locked: boolean, registered: boolean): CompanionStatus => ({
  companionVersion: '0.1.0',
  locked,
  registrations: registered ? [{ meterId, userId: 'alice' }] : [],
  vault: 'reachable',
});

describe('detectSetup: the setup wizard states (DESIGN §8)', () => {
  it.each([
    ['EXTENSION_UNAVAILABLE', 'no-extension'],
    ['COMPANION_UNAVAILABLE', 'no-companion'],
    ['ORIGIN_NOT_ALLOWED', 'origin-not-allowed'],
    ['EXTENSION_NOT_ALLOWED', 'origin-not-allowed'],
    ['VERSION_MISMATCH', 'update-needed'],
  ] as const)('%s → %s, with the catalogue next step', async (code, state) => {
    const setup = await detectSetup(() => Promise.reject(new IndiciumError(code)));
    expect(setup.state).toBe(state);
    expect(setup.nextStep).toBe(ERROR_CATALOG[code].nextStep);
  });

  it('throws errors the wizard has no step for', async () => {
    await expect(detectSetup(() => Promise.reject(new IndiciumError('TIMEOUT')))).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    await expect(detectSetup(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('tells apart not registered, locked and ready', async () => {
    expect((await detectSetup(async () => status(true, false))).state).toBe('not-registered');
    expect((await detectSetup(async () => status(false, false))).state).toBe('not-registered');
    const locked = await detectSetup(async () => status(true, true));
    expect(locked.state).toBe('locked');
    expect(locked.nextStep).toBe(ERROR_CATALOG.COMPANION_LOCKED.nextStep);
    const ready = await detectSetup(async () => status(false, true));
    expect(ready).toMatchObject({ state: 'ready', status: status(false, true) });
  });
});

describe('PageClient.detect over a real DOM window', () => {
  let win: Window | undefined;
  afterEach(async () => {
    await win?.happyDOM.close();
  });

  it('reports no-extension when nothing acks, and no-companion when the extension says so', async () => {
    win = new Window({ url: `${ORIGIN}/setup` });
    const page = win as unknown as PageWindow;
    const fast = createPageClient({ window: page, ackTimeoutMs: 50 });
    expect((await fast.detect()).state).toBe('no-extension');

    const current = win;
    current.addEventListener('message', (event) => {
      const parsed = PageRequestSchema.safeParse((event as unknown as { data: unknown }).data);
      if (!parsed.success) return;
      const base = { source: EXTENSION_SOURCE, protocol: 1, requestId: parsed.data.requestId };
      current.postMessage({ ...base, type: 'ack' }, ORIGIN);
      current.postMessage(
        { ...base, type: 'error', error: toWireError(new IndiciumError('COMPANION_UNAVAILABLE')) },
        ORIGIN,
      );
    });
    const setup = await createPageClient({ window: page }).detect();
    expect(setup.state).toBe('no-companion');
  });
});
