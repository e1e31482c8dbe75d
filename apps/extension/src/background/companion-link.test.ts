import { IndiciumError, type ProgressStage, toWireError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { CompanionLink, type CompanionLinkOptions } from './companion-link.js';
import { FakeNativePort } from './fake-native-port.js';

const ORIGIN = 'https://localhost:8443';
const STATUS = { companionVersion: '0.1.0', locked: true, registrations: [], vault: 'not-configured' };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A link over fake native ports; `ports` lists every port it opened, in order. */
function link(options: Partial<CompanionLinkOptions> & { lastError?: () => string | undefined } = {}) {
  const ports: FakeNativePort[] = [];
  let next = 0;
  const companion = new CompanionLink({
    connect: () => {
      const port = new FakeNativePort();
      ports.push(port);
      return port;
    },
    extensionVersion: '0.1.0',
    newRequestId: () => {
      next += 1;
      return `link-request-${next}`;
    },
    ...options,
  });
  return { companion, ports };
}

function port(ports: FakeNativePort[], index = 0): FakeNativePort {
  const found = ports[index];
  if (found === undefined) throw new Error(`no port ${index}`);
  return found;
}

describe('CompanionLink (DESIGN §4.1)', () => {
  it('opens one port, says hello first, then forwards {origin, request} under its own request id', async () => {
    const { companion, ports } = link();
    const answer = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    const native = port(ports);
    expect(native.sent).toEqual([{ kind: 'hello', protocol: 1, component: 'extension', version: '0.1.0' }]);
    native.greet('0.2.0');
    await flush();
    expect(native.sent[1]).toEqual({
      kind: 'request',
      protocol: 1,
      requestId: 'link-request-1',
      origin: ORIGIN,
      request: { type: 'status', payload: {} },
    });
    native.deliver({
      protocol: 1,
      requestId: 'link-request-1',
      kind: 'response',
      for: 'status',
      payload: STATUS,
    });
    expect(await answer).toEqual({ ok: true, answer: { for: 'status', payload: STATUS } });
    expect(companion.companionVersion).toBe('0.2.0');

    // The second call reuses the port: no second hello.
    const second = companion.call(ORIGIN, { type: 'lock', payload: {} }, () => undefined);
    await flush();
    native.deliver({
      protocol: 1,
      requestId: 'link-request-2',
      kind: 'response',
      for: 'lock',
      payload: { locked: true },
    });
    expect(await second).toMatchObject({ ok: true });
    expect(ports).toHaveLength(1);
    expect(native.sent.filter((m) => m.kind === 'hello')).toHaveLength(1);
  });

  it('relays progress, and passes the companion’s wire error through unchanged (error id kept)', async () => {
    const { companion, ports } = link();
    const stages: ProgressStage[] = [];
    const answer = companion.call(ORIGIN, { type: 'lock', payload: {} }, (stage) => stages.push(stage));
    port(ports).greet();
    await flush();
    port(ports).deliver({ protocol: 1, requestId: 'link-request-1', kind: 'progress', stage: 'issuing' });
    const wire = toWireError(new IndiciumError('COMPANION_LOCKED'), 'err-1234');
    port(ports).deliver({ protocol: 1, requestId: 'link-request-1', kind: 'error', error: wire });
    expect(await answer).toEqual({ ok: false, error: wire });
    expect(stages).toEqual(['issuing']);
  });

  it('a missing host: COMPANION_UNAVAILABLE with the browser’s reason; the next call tries a new port', async () => {
    let reason: string | undefined = 'Specified native messaging host not found.';
    const { companion, ports } = link({ lastError: () => reason });
    const first = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(ports).closeFromPeer();
    const outcome = await first;
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        code: 'COMPANION_UNAVAILABLE',
        details: { reason: 'Specified native messaging host not found.' },
      },
    });
    if (!outcome.ok) expect(outcome.error.nextStep).toMatch(/companion install/);

    reason = undefined;
    const second = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    expect(ports).toHaveLength(2);
    port(ports, 1).greet();
    await flush();
    port(ports, 1).deliver({
      protocol: 1,
      requestId: 'link-request-1',
      kind: 'response',
      for: 'status',
      payload: STATUS,
    });
    expect(await second).toMatchObject({ ok: true });
  });

  it('Firefox reports the reason on the port itself', async () => {
    const { companion, ports } = link();
    const call = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(ports).closeFromPeer('No such native application com.indicium.companion');
    expect(await call).toMatchObject({
      ok: false,
      error: {
        code: 'COMPANION_UNAVAILABLE',
        details: { reason: 'No such native application com.indicium.companion' },
      },
    });
  });

  it('fails every call in flight when the companion exits, then reconnects', async () => {
    const { companion, ports } = link();
    const a = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    const b = companion.call(ORIGIN, { type: 'lock', payload: {} }, () => undefined);
    port(ports).greet();
    await flush();
    expect(port(ports).sent.filter((m) => m.kind === 'request')).toHaveLength(2);
    port(ports).closeFromPeer();
    expect((await a).ok).toBe(false);
    expect(await b).toMatchObject({ ok: false, error: { code: 'COMPANION_UNAVAILABLE' } });
    void companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    expect(ports).toHaveLength(2);
  });

  it('a companion that refuses the hello (wrong extension) fails the call with its code', async () => {
    const { companion, ports } = link();
    const call = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(ports).deliver({
      protocol: 1,
      requestId: null,
      kind: 'error',
      error: toWireError(new IndiciumError('EXTENSION_NOT_ALLOWED')),
    });
    expect(await call).toMatchObject({ ok: false, error: { code: 'EXTENSION_NOT_ALLOWED' } });
    expect(port(ports).disconnected).toBe(true);
    expect(port(ports).sent.filter((m) => m.kind === 'request')).toHaveLength(0);
  });

  it('a newer companion’s hello is VERSION_MISMATCH naming the extension as the part to update', async () => {
    const { companion, ports } = link();
    const call = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(ports).deliver({ kind: 'hello', protocol: 2, component: 'companion', version: '9.0.0' });
    expect(await call).toMatchObject({
      ok: false,
      error: { code: 'VERSION_MISMATCH', details: { update: 'extension', companionProtocol: 2 } },
    });
    expect(port(ports).sent.filter((m) => m.kind === 'request')).toHaveLength(0);
  });

  it('a host that is not the companion, or says nothing, is COMPANION_UNAVAILABLE', async () => {
    const impostor = link();
    const call = impostor.companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(impostor.ports).deliver({ kind: 'hello', protocol: 1, component: 'extension', version: '0.1.0' });
    expect(await call).toMatchObject({ ok: false, error: { code: 'COMPANION_UNAVAILABLE' } });

    const silent = link({ helloTimeoutMs: 20 });
    const quiet = silent.companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    expect(await quiet).toMatchObject({ ok: false, error: { code: 'COMPANION_UNAVAILABLE' } });
    expect(port(silent.ports).disconnected).toBe(true);
  });

  it('a call the companion never answers ends with TIMEOUT', async () => {
    const { companion, ports } = link({ requestTimeoutMs: 20 });
    const call = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(ports).greet();
    expect(await call).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('an answer for another call, or an unreadable one, fails the call; unknown request ids are ignored', async () => {
    const { companion, ports } = link();
    const a = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    const b = companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined);
    port(ports).greet();
    await flush();
    port(ports).deliver({
      protocol: 1,
      requestId: 'not-ours-123',
      kind: 'response',
      for: 'status',
      payload: STATUS,
    });
    port(ports).deliver({
      protocol: 1,
      requestId: 'link-request-1',
      kind: 'response',
      for: 'lock',
      payload: { locked: true },
    });
    port(ports).deliver({
      protocol: 1,
      requestId: 'link-request-2',
      kind: 'response',
      for: 'status',
      payload: { x: 1 },
    });
    expect(await a).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR' } });
    expect(await b).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR' } });
  });

  it('a browser that cannot open the port at all gives COMPANION_UNAVAILABLE', async () => {
    const companion = new CompanionLink({
      connect: () => {
        throw new Error('Invalid native messaging host name specified.');
      },
      extensionVersion: '0.1.0',
      newRequestId: () => 'link-request-1',
    });
    expect(await companion.call(ORIGIN, { type: 'status', payload: {} }, () => undefined)).toMatchObject({
      ok: false,
      error: {
        code: 'COMPANION_UNAVAILABLE',
        details: { reason: 'Invalid native messaging host name specified.' },
      },
    });
  });
});
