import { describe, expect, it } from 'vitest';
import { verifyStatus } from '../host/verify-status.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import {
  bootHarness,
  expectOk,
  initializedHarness,
  MODULE_SERIAL,
  START_TIME,
  startInitialization,
  status,
} from '../testing/module-harness.js';

describe('CryptoModule lifecycle (DESIGN §3.1, §3.3)', () => {
  it('boots an empty NVM into Uninitialized with an unsigned status and nothing written', async () => {
    const nvm = new MemoryNvmStore();
    const h = await bootHarness({ nvm });
    const s = await status(h);
    expect(s).toMatchObject({
      currentState: 'U',
      persistentState: 'U',
      fatal: false,
      errorCode: null,
      modulePublicKey: null,
      signature: null,
      moduleSerial: MODULE_SERIAL,
    });
    expect(nvm.writes).toBe(0);
  });

  it('Start Initialization makes keys, sets the clock and answers a signed, fresh status', async () => {
    const h = await bootHarness();
    h.clock.advance(-5_000);
    const modulePublicKey = await startInitialization(h);
    const raw = expectOk(await h.dispatch({ command: 'get-status', body: { nonce: 'bm9uY2U=' } }));
    const s = verifyStatus(raw, modulePublicKey, 'bm9uY2U=');
    expect(s).toMatchObject({ currentState: 'I', persistentState: 'I', time: START_TIME, auditSequence: 1 });
    expect(() => verifyStatus({ ...s, currentState: 'O' }, modulePublicKey)).toThrowError(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
    expect(() => verifyStatus(s, modulePublicKey, 'b3RoZXI=')).toThrowError(
      expect.objectContaining({ code: 'SIGNATURE_INVALID', field: 'nonce' }),
    );
    expect(h.audit.map((e) => [e.command, e.sequence, e.signature !== null])).toEqual([
      ['start-initialization', 0, true],
    ]);
  });

  it('refuses an unknown command, inherited names and a malformed envelope, typed', async () => {
    const h = await bootHarness();
    const code = async (r: unknown) => {
      const o = await h.dispatch(r);
      return o.ok ? 'ok' : [o.error.code, o.error.field];
    };
    expect(await code({ command: 'launch-missiles' })).toEqual(['UNKNOWN_COMMAND', 'command']);
    expect(await code({ command: 'constructor' })).toEqual(['UNKNOWN_COMMAND', 'command']);
    expect(await code({ command: '__proto__' })).toEqual(['MALFORMED_REQUEST', 'request.command']);
    expect(await code('get-status')).toEqual(['MALFORMED_REQUEST', 'request']);
    expect(await code({ command: 'get-status', extra: 1 })).toEqual(['MALFORMED_REQUEST', 'request']);
    expect(await code({ command: 'start-initialization', body: { time: -1 } })).toEqual([
      'MALFORMED_REQUEST',
      'body.time',
    ]);
  });

  it('a refusal changes nothing: no NVM write, same status, no audit entry', async () => {
    const nvm = new MemoryNvmStore();
    const h = await initializedHarness({ nvm });
    // ECDSA signatures are randomised: compare the signed fields, not the signature bytes.
    const unsigned = async () => ({ ...(await status(h)), signature: null });
    const before = { writes: nvm.writes, text: nvm.text, status: await unsigned(), entries: h.audit.length };
    const refusals = [
      await h.dispatch({ command: 'start-initialization', body: { time: 1 } }),
      await h.client.send('begin-admin'),
      await h.client.send('initialize-access-control', { accounts: [] }),
      await h.dispatch({ command: 'logon', body: {} }),
    ];
    expect(refusals.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'WRONG_STATE',
      'WRONG_STATE',
      'MALFORMED_REQUEST',
      'NO_SESSION',
    ]);
    expect(refusals.every((o) => o.audit === undefined)).toBe(true);
    expect({ writes: nvm.writes, text: nvm.text, status: await unsigned(), entries: h.audit.length }).toEqual(
      before,
    );
  });

  it('Reset zeroizes NVM, keys and the session from any state and audits with the old key', async () => {
    const nvm = new MemoryNvmStore();
    const h = await initializedHarness({ nvm });
    const outcome = await h.dispatch({ command: 'reset' });
    expect(outcome.ok).toBe(true);
    expect(outcome.audit).toMatchObject({ command: 'reset', currentState: 'U', signatureRequired: true });
    expect(nvm.text).toBeNull();
    expect(await status(h)).toMatchObject({
      currentState: 'U',
      persistentState: 'U',
      sessionOpen: false,
      modulePublicKey: null,
      auditSequence: 0,
    });
    const after = await h.client.send('query-role');
    expect(after.ok ? 'ok' : after.error.code).toBe('SESSION_MESSAGE_REJECTED');
    // A reset module can be initialised again, with new keys.
    const second = await startInitialization(h);
    expect(second).not.toBe(h.modulePublicKey);
  });

  it('Reset in Uninitialized makes no entry (there is no audit key to make one with)', async () => {
    const h = await bootHarness();
    const outcome = await h.dispatch({ command: 'reset' });
    expect(outcome).toEqual({ ok: true, result: {} });
  });

  it('commands run one at a time even when dispatched concurrently', async () => {
    const h = await bootHarness();
    const [a, b] = await Promise.all([
      h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }),
      h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }),
    ]);
    expect([a.ok, b.ok ? 'ok' : b.error.code]).toEqual([true, 'WRONG_STATE']);
  });
});

describe('dispatch speaks plain data (a module may sit behind a worker thread)', () => {
  it('every outcome survives structuredClone and a JSON round trip unchanged', async () => {
    const h = await initializedHarness();
    const outcomes = [
      await h.dispatch({ command: 'get-status' }),
      await h.client.send('logon', { userId: 'so', password: 'bm9wZQ==' }),
      await h.dispatch(h.client.seal('query-role')),
      await h.dispatch({ command: 'create-audit-entry', body: { reason: 'clone test' } }),
    ];
    for (const outcome of outcomes) {
      expect(structuredClone(outcome)).toEqual(outcome);
      expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
    }
  });
});
