import { fromBase64, type ModuleOutcome, type SealedMessage, toBase64 } from '@indicium/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { OfficerClient } from '../host/officer-client.js';
import {
  type Harness,
  initializedHarness,
  logon,
  MODULE_SERIAL,
  OFFICERS,
  officerClient,
} from '../testing/module-harness.js';
import { generateX25519 } from './x25519.js';

type Ready = Harness & { client: OfficerClient; modulePublicKey: string };

function code(outcome: ModuleOutcome): string {
  return outcome.ok ? 'ok' : outcome.error.code;
}

function flip(base64: string, index: number): string {
  const bytes = fromBase64(base64);
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return toBase64(bytes);
}

describe('officer sessions (DESIGN §2, §3.2)', () => {
  let h: Ready;
  beforeEach(async () => {
    h = await initializedHarness();
  });

  it('a sealed request is answered under the answer key, and the payload is encrypted', async () => {
    await logon(h.client, OFFICERS.kc1);
    const request = h.client.seal('query-user');
    // Encrypted: nonce ‖ ciphertext ‖ tag around the 2-byte body '{}', which is not there in clear.
    // (A check for any '{' byte failed about one run in eight: random bytes contain it.)
    const payload = Buffer.from(fromBase64(request.sealed.payload));
    expect(request.sealed.encrypted).toBe(true);
    expect(payload.length).toBe(12 + 2 + 16);
    expect(payload.subarray(12, 14).toString('latin1')).not.toBe('{}');
    const outcome = await h.dispatch(request);
    if (!outcome.ok || outcome.sealed === undefined) throw new Error('expected a sealed answer');
    expect(outcome.result).toBeUndefined();
    expect(h.client.openAnswer('query-user', request.sealed.counter, outcome.sealed)).toEqual({
      userId: 'kc1',
    });
    // The answer is bound to its request's counter and command.
    expect(() =>
      h.client.openAnswer('query-user', request.sealed.counter + 1, outcome.sealed as SealedMessage),
    ).toThrowError(expect.objectContaining({ code: 'SESSION_MESSAGE_REJECTED' }));
    expect(() =>
      h.client.openAnswer('query-role', request.sealed.counter, outcome.sealed as SealedMessage),
    ).toThrowError(expect.objectContaining({ code: 'SESSION_MESSAGE_REJECTED' }));
    const altered = { ...outcome.sealed, payload: flip(outcome.sealed.payload, 14) };
    expect(() => h.client.openAnswer('query-user', request.sealed.counter, altered)).toThrowError(
      expect.objectContaining({ code: 'SESSION_MESSAGE_REJECTED' }),
    );
  });

  it('works unencrypted too (MAC only), and still refuses an altered payload', async () => {
    await h.client.closeSession();
    const plain = officerClient(h, h.modulePublicKey, false);
    await plain.openSession();
    expect(await plain.call('query-role')).toEqual({ role: null });
    const request = plain.seal('query-role');
    expect(JSON.parse(Buffer.from(fromBase64(request.sealed.payload)).toString('utf8'))).toEqual({});
    const tampered = { ...request, sealed: { ...request.sealed, payload: toBase64(Buffer.from('{"x":1}')) } };
    expect(code(await h.dispatch(tampered))).toBe('SESSION_MESSAGE_REJECTED');
  });

  it('refuses a replayed message, even one whose command was refused', async () => {
    const once = h.client.seal('begin-admin');
    expect(code(await h.dispatch(once))).toBe('WRONG_STATE');
    expect(code(await h.dispatch(once))).toBe('SESSION_MESSAGE_REJECTED');
    const ok = h.client.seal('query-role');
    expect(code(await h.dispatch(ok))).toBe('ok');
    expect(code(await h.dispatch(ok))).toBe('SESSION_MESSAGE_REJECTED');
  });

  it('refuses reordered messages', async () => {
    const first = h.client.seal('query-role');
    const second = h.client.seal('query-user');
    expect(code(await h.dispatch(second))).toBe('ok');
    expect(code(await h.dispatch(first))).toBe('SESSION_MESSAGE_REJECTED');
  });

  it('refuses altered payload, MAC, counter, encryption flag, and a body moved to another command', async () => {
    const base = h.client.seal('query-role');
    const variants: SealedMessage[] = [
      { ...base.sealed, payload: flip(base.sealed.payload, 0) },
      { ...base.sealed, payload: flip(base.sealed.payload, fromBase64(base.sealed.payload).length - 1) },
      { ...base.sealed, mac: flip(base.sealed.mac, 5) },
      { ...base.sealed, counter: base.sealed.counter + 1 },
      { ...base.sealed, encrypted: false },
    ];
    for (const sealed of variants)
      expect(code(await h.dispatch({ command: 'query-role', sealed }))).toBe('SESSION_MESSAGE_REJECTED');
    expect(code(await h.dispatch({ command: 'query-user', sealed: base.sealed }))).toBe(
      'SESSION_MESSAGE_REJECTED',
    );
    // None of these consumed the counter: the genuine message still works.
    expect(code(await h.dispatch(base))).toBe('ok');
  });

  it('refuses an answer sent back as a request (wrong direction)', async () => {
    const request = h.client.seal('query-role');
    const outcome = await h.dispatch(request);
    if (!outcome.ok || outcome.sealed === undefined) throw new Error('expected a sealed answer');
    const bounced = {
      command: 'query-role',
      sealed: { ...outcome.sealed, counter: request.sealed.counter + 1 },
    };
    expect(code(await h.dispatch(bounced))).toBe('SESSION_MESSAGE_REJECTED');
    expect(code(await h.dispatch({ command: 'query-role', sealed: outcome.sealed }))).toBe(
      'SESSION_MESSAGE_REJECTED',
    );
  });

  it('refuses a message of an old session after a new one opened', async () => {
    const stale = h.client.seal('query-role');
    await h.client.closeSession();
    const fresh = officerClient(h, h.modulePublicKey);
    await fresh.openSession();
    expect(code(await h.dispatch(stale))).toBe('SESSION_MESSAGE_REJECTED');
    expect(code(await fresh.send('query-role'))).toBe('ok');
  });

  it('a sealed request may not also carry a plain body', async () => {
    const request = h.client.seal('query-role');
    expect(await h.dispatch({ ...request, body: {} })).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_REQUEST', field: 'body' },
    });
  });

  it('one session at a time; Close Session refused while an officer is logged on', async () => {
    const second = officerClient(h, h.modulePublicKey);
    await expect(second.openSession()).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    await logon(h.client, OFFICERS.so);
    expect(code(await h.client.send('close-session'))).toBe('ALREADY_LOGGED_ON');
    await h.client.call('logoff');
    await h.client.closeSession();
    await second.openSession();
  });

  it('the host refuses a session half not signed by the trusted module key (no man in the middle)', async () => {
    await h.client.closeSession();
    // A relay that swaps in its own X25519 half.
    const mitm = new OfficerClient(
      {
        dispatch: async (request) => {
          const outcome = await h.module.dispatch(request);
          if (request.command !== 'open-session' || !outcome.ok) return outcome;
          const forged = {
            ...(outcome.result as object),
            modulePublicKey: toBase64(generateX25519().publicKey),
          };
          return { ...outcome, result: forged };
        },
      },
      { moduleSerial: MODULE_SERIAL, modulePublicKey: h.modulePublicKey },
    );
    await expect(mitm.openSession()).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('the host refuses a module whose key it does not trust', async () => {
    await h.client.closeSession();
    const other = await initializedHarness();
    const wrongKey = officerClient(h, other.modulePublicKey);
    await expect(wrongKey.openSession()).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses a small-order X25519 public key', async () => {
    await h.client.closeSession();
    const outcome = await h.dispatch({
      command: 'open-session',
      body: { hostPublicKey: toBase64(new Uint8Array(32)) },
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'INVALID_FIELD', field: 'hostPublicKey' } });
  });
});
