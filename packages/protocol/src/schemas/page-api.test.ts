import { describe, expect, it } from 'vitest';
import { b64, expectInvalid, expectValid, withField } from '../../test/support/schema-assertions.js';
import {
  EXTENSION_SOURCE,
  ExtensionToPageSchema,
  PAGE_ACK_TIMEOUT_MS,
  PAGE_SOURCE,
  PageAckSchema,
  PageErrorSchema,
  PageProgressSchema,
  PageRequestSchema,
  PageResponseSchema,
} from './page-api.js';
import { PAGE_CALL_TYPES, PAGE_CALLS, PageAnswerSchema, PageCallSchema } from './page-calls.js';

const requestId = '6f1c1d1e-6a53-4a4e-9f4e-3c1f8b1f2a10';
const meterId = '00042-00001-0000001001';
const envelope = { source: PAGE_SOURCE, protocol: 1, requestId };

const printPayload = {
  meterId,
  userId: 'alice',
  transaction: {
    kind: 'postage',
    postageMills: 730,
    mailingDate: '2026-11-26',
    rateCategory: 'FCLT',
    originZip: '10001-1234',
    destinationZip: null,
  },
  medium: 'envelope-10',
  printerId: null,
  sender: ['Alice Smith', '1 Main St', 'New York NY 10001-1234'],
  recipient: null,
};

/** One valid request payload per call: the test below insists every call has one. */
const requests: Record<string, unknown> = {
  status: {},
  unlock: { passphrase: 'correct horse battery staple' },
  lock: {},
  register: {
    mode: 'configure',
    meterId,
    customerId: 'cus_1',
    userId: 'alice',
    registrationToken: Buffer.alloc(32, 1).toString('base64url'),
    passphrase: 'correct horse battery staple',
  },
  print: printPayload,
  history: { meterId, limit: 20 },
  reprint: { indiciumId: 'ind_0001abcd', medium: 'label-4x6', printerId: 'zebra-1' },
  printers: {},
  users: {
    meterId,
    userId: 'ada',
    action: 'modify',
    targetUserId: 'grace',
    role: 'user',
    privileges: ['create-indicia', 'status'],
    maximumTotalMills: 9000,
    expiresAt: '2027-06-30T23:59:59.000Z',
    reregister: false,
  },
};

const record = {
  indiciumId: 'ind_0001abcd',
  meterId,
  createdAt: '2026-11-26T17:00:00.000Z',
  kind: 'postage',
  postageMills: 730,
  mailingDate: '2026-11-26',
  rateCategory: 'FCLT',
  originZip: '10001-1234',
  destinationZip: null,
  status: 'printed',
};

const answers: Record<string, unknown> = {
  status: {
    companionVersion: '1.0.0',
    locked: false,
    registrations: [{ meterId, userId: 'alice' }],
    vault: 'reachable',
  },
  unlock: { locked: false },
  lock: { locked: true },
  register: { meterId, userId: 'alice', ascendingRegisterMills: 0, descendingRegisterMills: 0 },
  print: {
    indicium: record,
    indiciumBytes: b64(114),
    ascendingRegisterMills: 5730,
    descendingRegisterMills: 494270,
    printed: true,
  },
  history: { items: [record] },
  reprint: { indicium: record, printed: true },
  printers: { printers: [{ printerId: 'zebra-1', name: 'Zebra ZD420', isDefault: true }] },
  users: {
    meterId,
    users: [
      {
        userId: 'grace',
        role: 'user',
        privileges: ['create-indicia'],
        maximumTotalMills: 9000,
        totalMills: 730,
        expiresAt: null,
        registered: true,
        locked: false,
      },
    ],
  },
};

describe('page ↔ extension envelope (DESIGN §4.1)', () => {
  it('has an example for every call, and the call table matches the unions', () => {
    expect(Object.keys(requests).sort()).toEqual([...PAGE_CALL_TYPES].sort());
    expect(Object.keys(answers).sort()).toEqual([...PAGE_CALL_TYPES].sort());
    expect(PageCallSchema.options).toHaveLength(PAGE_CALL_TYPES.length);
    expect(PageAnswerSchema.options).toHaveLength(PAGE_CALL_TYPES.length);
    expect(Object.keys(PAGE_CALLS)).toEqual(PAGE_CALL_TYPES);
    expect(PAGE_ACK_TIMEOUT_MS).toBe(1000);
  });

  it.each(PAGE_CALL_TYPES)('%s: request and response parse', (type) => {
    expectValid(PageRequestSchema, { ...envelope, type, payload: requests[type] });
    const response = {
      source: EXTENSION_SOURCE,
      protocol: 1,
      requestId,
      type: 'response',
      for: type,
      payload: answers[type],
    };
    expectValid(PageResponseSchema, response);
    expectValid(ExtensionToPageSchema, response);
  });

  it('refuses a request with the wrong source tag, protocol or request id', () => {
    const ok = { ...envelope, type: 'status', payload: {} };
    expectInvalid(PageRequestSchema, { ...ok, source: EXTENSION_SOURCE }, ['source']);
    expectInvalid(PageRequestSchema, { ...ok, source: undefined }, ['source']);
    expectInvalid(PageRequestSchema, { ...ok, protocol: 2 }, ['protocol']);
    expectInvalid(PageRequestSchema, { ...ok, requestId: 'x' }, ['requestId']);
    expectInvalid(PageRequestSchema, { ...ok, type: 'format-disk' });
  });

  it('refuses extra keys in the envelope and in the payload', () => {
    expectInvalid(
      PageRequestSchema,
      { ...envelope, type: 'status', payload: {}, origin: 'https://evil.example' },
      [''],
    );
    expectInvalid(PageRequestSchema, { ...envelope, type: 'status', payload: { debug: true } }, ['payload']);
    expectInvalid(
      PageRequestSchema,
      { ...envelope, type: 'print', payload: { ...printPayload, hmac: b64(32) } },
      ['payload'],
    );
  });

  it('refuses a print the page is not allowed to shape', () => {
    const print = { ...envelope, type: 'print', payload: printPayload };
    expectInvalid(PageRequestSchema, withField(print, 'payload.transaction.kind', 'refund'), [
      'payload',
      'transaction',
      'kind',
    ]);
    expectInvalid(PageRequestSchema, withField(print, 'payload.transaction.ascendingRegisterMills', 1), [
      'payload',
      'transaction',
    ]);
    expectInvalid(PageRequestSchema, withField(print, 'payload.transaction.postageMills', 7.3), [
      'payload',
      'transaction',
      'postageMills',
    ]);
    expectInvalid(PageRequestSchema, withField(print, 'payload.medium', 'a4'), ['payload', 'medium']);
    expectInvalid(PageRequestSchema, withField(print, 'payload.sender', ['x'.repeat(65)]), [
      'payload',
      'sender',
      0,
    ]);
    expectInvalid(PageRequestSchema, withField(print, 'payload.sender', Array(7).fill('line')), [
      'payload',
      'sender',
    ]);
  });

  it('refuses a register with a short passphrase or a bad token', () => {
    const register = { ...envelope, type: 'register', payload: requests.register };
    expectInvalid(PageRequestSchema, withField(register, 'payload.passphrase', 'short'), [
      'payload',
      'passphrase',
    ]);
    expectInvalid(PageRequestSchema, withField(register, 'payload.registrationToken', 'abc'), [
      'payload',
      'registrationToken',
    ]);
  });

  it('refuses an answer whose payload belongs to another call', () => {
    const wrong = {
      source: EXTENSION_SOURCE,
      protocol: 1,
      requestId,
      type: 'response',
      for: 'lock',
      payload: { locked: false },
    };
    expectInvalid(PageResponseSchema, wrong, ['payload', 'locked']);
  });

  it('parses ack, progress and error messages', () => {
    const fromExtension = { source: EXTENSION_SOURCE, protocol: 1, requestId };
    expectValid(PageAckSchema, { ...fromExtension, type: 'ack' });
    expectValid(PageProgressSchema, { ...fromExtension, type: 'progress', stage: 'printing' });
    expectInvalid(PageProgressSchema, { ...fromExtension, type: 'progress', stage: 'sleeping' }, ['stage']);
    const error = {
      ...fromExtension,
      requestId: null,
      type: 'error',
      error: {
        code: 'COMPANION_UNAVAILABLE',
        message: 'The Indicium companion program is not installed or could not start.',
        actor: 'install',
        nextStep: 'Install the companion.',
      },
    };
    expectValid(PageErrorSchema, error);
    expectValid(ExtensionToPageSchema, error);
    expectInvalid(PageErrorSchema, withField(error, 'error.actor', 'nobody'), ['error', 'actor']);
    expectInvalid(ExtensionToPageSchema, { ...fromExtension, type: 'ack', source: PAGE_SOURCE });
  });
});
