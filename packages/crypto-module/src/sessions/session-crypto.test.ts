import { randomBytes } from 'node:crypto';
import { fromBase64, type SealedMessage, toBase64 } from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSessionMasters, openMessage, sealMessage } from './session-crypto.js';

const masters = deriveSessionMasters(randomBytes(32), randomBytes(16));
const sessionId = toBase64(randomBytes(16));
const params = (counter: number, encrypt: boolean) => ({
  direction: 'request' as const,
  master: masters.request,
  sessionId,
  counter,
  command: 'logon',
  encrypt,
});
const open = (sealed: SealedMessage, expectCounter = (c: number) => c === sealed.counter) =>
  openMessage(
    { direction: 'request', master: masters.request, sessionId, command: 'logon', expectCounter },
    sealed,
  );

const body = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), {
  maxKeys: 5,
});

describe('session message sealing (property)', () => {
  it('opens what it sealed, in both modes', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 2 ** 40 }), fc.boolean(), (value, counter, encrypt) => {
        expect(open(sealMessage(params(counter, encrypt), value))).toEqual(value);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses any single flipped bit of payload or MAC', () => {
    fc.assert(
      fc.property(
        body,
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (value, encrypt, inMac, at, bit) => {
          const sealed = sealMessage(params(7, encrypt), value);
          const field = inMac ? 'mac' : 'payload';
          const bytes = fromBase64(sealed[field]);
          const i = at % bytes.length;
          bytes[i] = (bytes[i] ?? 0) ^ (1 << bit);
          expect(() => open({ ...sealed, [field]: toBase64(bytes) })).toThrowError(
            expect.objectContaining({ code: 'SESSION_MESSAGE_REJECTED' }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a message is bound to its counter, direction, session and command', () => {
    const sealed = sealMessage(params(3, true), { a: 1 });
    const rejected = expect.objectContaining({ code: 'SESSION_MESSAGE_REJECTED' });
    expect(() => open({ ...sealed, counter: 4 }, () => true)).toThrowError(rejected);
    expect(() => open(sealed, (c) => c > 3)).toThrowError(rejected);
    expect(() =>
      openMessage(
        {
          direction: 'answer',
          master: masters.request,
          sessionId,
          command: 'logon',
          expectCounter: () => true,
        },
        sealed,
      ),
    ).toThrowError(rejected);
    expect(() =>
      openMessage(
        {
          direction: 'request',
          master: masters.request,
          sessionId,
          command: 'logoff',
          expectCounter: () => true,
        },
        sealed,
      ),
    ).toThrowError(rejected);
    expect(() => open({ ...sealed, sessionId: toBase64(randomBytes(16)) })).toThrowError(rejected);
    expect(() =>
      openMessage(
        {
          direction: 'request',
          master: masters.answer,
          sessionId,
          command: 'logon',
          expectCounter: () => true,
        },
        sealed,
      ),
    ).toThrowError(rejected);
  });

  it('uses a different key for every counter (same body, different MAC)', () => {
    const a = sealMessage(params(1, false), { same: true });
    const b = sealMessage(params(2, false), { same: true });
    expect(a.payload).toBe(b.payload);
    expect(a.mac).not.toBe(b.mac);
  });
});
