import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndiciumError, toWireError } from '../errors/indicium-error.js';
import { EXTENSION_SOURCE, PAGE_SOURCE, type PageRequest, PageRequestSchema } from '../schemas/page-api.js';
import type { ProgressStage } from '../schemas/page-calls.js';
import { createPageClient } from './create-page-client.js';
import type { PageWindow } from './page-window.js';

const ORIGIN = 'https://localhost:8443';
const meterId = '00042-00001-0000001001';
const statusAnswer = {
  companionVersion: '0.1.0',
  locked: false,
  registrations: [{ meterId, userId: 'alice' }],
  vault: 'reachable',
} as const;

/**
 * Plays the extension's content script in a real DOM window (happy-dom): it reads page requests
 * posted by this window and answers through `window.postMessage`, as the real one does. The real
 * content script is tested in Chromium (apps/extension/test).
 */
type Behaviour = (request: PageRequest, reply: (message: Record<string, unknown>) => void) => void;

let win: Window;
let page: PageWindow;
let seen: PageRequest[];

function extension(behaviour: Behaviour): void {
  win.addEventListener('message', (event) => {
    const message = event as unknown as { source: unknown; data: unknown };
    if (message.source !== win) return;
    const parsed = PageRequestSchema.safeParse(message.data);
    if (!parsed.success) return;
    seen.push(parsed.data);
    const reply = (body: Record<string, unknown>) =>
      win.postMessage(
        { source: EXTENSION_SOURCE, protocol: 1, requestId: parsed.data.requestId, ...body },
        ORIGIN,
      );
    behaviour(parsed.data, reply);
  });
}

const answering: Behaviour = (request, reply) => {
  reply({ type: 'ack' });
  reply({ type: 'response', for: request.type, payload: statusAnswer });
};

async function rejection(promise: Promise<unknown>): Promise<IndiciumError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  win = new Window({ url: `${ORIGIN}/print` });
  page = win as unknown as PageWindow;
  seen = [];
});
afterEach(async () => {
  await win.happyDOM.close();
});

describe('createPageClient: call (DESIGN §4.1)', () => {
  it('posts a well-formed request to its own origin and resolves with the typed answer', async () => {
    extension(answering);
    const client = createPageClient({ window: page });
    const answer = await client.call('status', {});
    expect(answer).toEqual(statusAnswer);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ source: PAGE_SOURCE, protocol: 1, type: 'status', payload: {} });
    expect(seen[0]?.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives EXTENSION_UNAVAILABLE when no ack arrives within the 1 s budget', async () => {
    const client = createPageClient({ window: page });
    const started = Date.now();
    const error = await rejection(client.call('status', {}));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('EXTENSION_UNAVAILABLE');
    expect(error.details).toEqual({ ackTimeoutMs: 1000 });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1900);
  });

  it('gives TIMEOUT when the call is acked but never answered', async () => {
    extension((_request, reply) => reply({ type: 'ack' }));
    const client = createPageClient({ window: page, timeoutMs: 1500 });
    const started = Date.now();
    const error = await rejection(client.call('status', {}));
    expect(error.code).toBe('TIMEOUT');
    // Past the ack budget: an acked call is not EXTENSION_UNAVAILABLE.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('rebuilds the wire error with its code and field', async () => {
    extension((_request, reply) => {
      reply({ type: 'ack' });
      reply({
        type: 'error',
        error: toWireError(
          new IndiciumError('ORIGIN_NOT_ALLOWED', { field: 'origin', details: { origin: ORIGIN } }),
        ),
      });
    });
    const error = await rejection(createPageClient({ window: page }).call('status', {}));
    expect(error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(error.field).toBe('origin');
    expect(error.details).toEqual({ origin: ORIGIN });
    expect(error.actor).toBe('install');
  });

  it('an unknown code from a newer part becomes INTERNAL_ERROR', async () => {
    extension((_request, reply) => {
      reply({ type: 'ack' });
      reply({
        type: 'error',
        error: { code: 'SOMETHING_NEW', message: 'x', actor: 'vault', nextStep: 'y' },
      });
    });
    const error = await rejection(createPageClient({ window: page }).call('status', {}));
    expect(error.code).toBe('INTERNAL_ERROR');
  });

  it('relays progress in order, then resolves', async () => {
    const stages: ProgressStage[] = ['challenge', 'issuing', 'verifying', 'rendering', 'printing'];
    extension((request, reply) => {
      reply({ type: 'ack' });
      for (const stage of stages) reply({ type: 'progress', stage });
      reply({ type: 'response', for: request.type, payload: { locked: true } });
    });
    const got: ProgressStage[] = [];
    const answer = await createPageClient({ window: page }).call(
      'lock',
      {},
      { onProgress: (s) => got.push(s) },
    );
    expect(answer).toEqual({ locked: true });
    expect(got).toEqual(stages);
  });

  it('a progress callback that throws does not break the call', async () => {
    extension((request, reply) => {
      reply({ type: 'ack' });
      reply({ type: 'progress', stage: 'printing' });
      reply({ type: 'response', for: request.type, payload: { locked: true } });
    });
    const answer = await createPageClient({ window: page }).call(
      'lock',
      {},
      {
        onProgress: () => {
          throw new Error('render failed');
        },
      },
    );
    expect(answer).toEqual({ locked: true });
  });

  it('correlates concurrent calls by request id, whatever the order of answers', async () => {
    const held: (() => void)[] = [];
    extension((request, reply) => {
      reply({ type: 'ack' });
      const payload = request.type === 'lock' ? { locked: true } : { locked: false };
      held.push(() => reply({ type: 'response', for: request.type, payload }));
      if (held.length === 2) for (const answer of held.reverse()) answer();
    });
    const client = createPageClient({ window: page });
    const [locked, unlocked] = await Promise.all([
      client.call('lock', {}),
      client.call('unlock', { passphrase: 'correct horse battery staple' }),
    ]);
    expect(locked).toEqual({ locked: true });
    expect(unlocked).toEqual({ locked: false });
    expect(new Set(seen.map((r) => r.requestId)).size).toBe(2);
  });

  it('ignores answers posted by another window or from another origin', async () => {
    const other = new Window({ url: 'https://evil.example/' });
    extension((request, reply) => {
      reply({ type: 'ack' });
      const forged = {
        source: EXTENSION_SOURCE,
        protocol: 1,
        requestId: request.requestId,
        type: 'response',
        for: 'status',
        payload: { ...statusAnswer, locked: true },
      };
      // Same envelope, wrong source window; then right window, wrong origin.
      win.dispatchEvent(
        new win.MessageEvent('message', { data: forged, source: other as never, origin: ORIGIN }),
      );
      win.dispatchEvent(
        new win.MessageEvent('message', {
          data: forged,
          source: win as never,
          origin: 'https://evil.example',
        }),
      );
      setTimeout(() => reply({ type: 'response', for: request.type, payload: statusAnswer }), 20);
    });
    const answer = await createPageClient({ window: page }).call('status', {});
    expect(answer.locked).toBe(false);
    await other.happyDOM.close();
  });

  it('ignores extension messages for other request ids', async () => {
    extension((request, reply) => {
      win.postMessage(
        { source: EXTENSION_SOURCE, protocol: 1, requestId: 'someone-elses-1', type: 'ack' },
        ORIGIN,
      );
      setTimeout(() => reply({ type: 'response', for: request.type, payload: statusAnswer }), 10);
    });
    // Only someone else's ack arrives in time: ours never does.
    const client = createPageClient({ window: page, ackTimeoutMs: 5 });
    expect((await rejection(client.call('status', {}))).code).toBe('EXTENSION_UNAVAILABLE');
  });

  it('names the part to update on a protocol mismatch', async () => {
    extension((request) => {
      win.postMessage(
        { source: EXTENSION_SOURCE, protocol: 2, requestId: request.requestId, type: 'ack' },
        ORIGIN,
      );
    });
    const error = await rejection(createPageClient({ window: page }).call('status', {}));
    expect(error.code).toBe('VERSION_MISMATCH');
    expect(error.details).toEqual({ update: 'page', page: 1, extension: 2 });
  });

  it('refuses an answer for another call, or one that does not match its schema', async () => {
    extension((_request, reply) => {
      reply({ type: 'ack' });
      reply({ type: 'response', for: 'lock', payload: { locked: true } });
    });
    const wrongCall = await rejection(createPageClient({ window: page }).call('status', {}));
    expect(wrongCall.code).toBe('INTERNAL_ERROR');
    expect(wrongCall.field).toBe('for');

    win = new Window({ url: `${ORIGIN}/` });
    page = win as unknown as PageWindow;
    extension((request, reply) => {
      reply({ type: 'ack' });
      reply({ type: 'response', for: request.type, payload: { ...statusAnswer, locked: 'no' } });
    });
    const unreadable = await rejection(createPageClient({ window: page }).call('status', {}));
    expect(unreadable.code).toBe('INTERNAL_ERROR');
    expect(unreadable.field).toBe('payload.locked');

    win = new Window({ url: `${ORIGIN}/` });
    page = win as unknown as PageWindow;
    extension((_request, reply) => reply({ type: 'answer', payload: statusAnswer }));
    const unknownType = await rejection(createPageClient({ window: page }).call('status', {}));
    expect(unknownType.code).toBe('INTERNAL_ERROR');
    expect(unknownType.field).toBe('type');
  });

  it('refuses invalid input before posting anything, naming the field', async () => {
    extension(answering);
    const client = createPageClient({ window: page });
    const error = await rejection(client.call('unlock', { passphrase: '' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('passphrase');
    const unknown = await rejection(client.call('format-disk' as 'status', {}));
    expect(unknown.code).toBe('MALFORMED_REQUEST');
    expect(unknown.field).toBe('type');
    expect(seen).toHaveLength(0);
  });

  it('a late answer after a time-out is ignored', async () => {
    extension((request, reply) => {
      reply({ type: 'ack' });
      setTimeout(() => reply({ type: 'response', for: request.type, payload: statusAnswer }), 80);
    });
    const client = createPageClient({ window: page, timeoutMs: 20 });
    expect((await rejection(client.call('status', {}))).code).toBe('TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 120));
    // A fresh call still works: the first call's listener is gone and did not swallow anything.
    expect(await createPageClient({ window: page }).call('status', {})).toEqual(statusAnswer);
  });
});
