import { describe, expect, it } from 'vitest';
import { b64, expectInvalid, expectValid } from '../../test/support/schema-assertions.js';
import {
  HistoryAnswerSchema,
  HistoryQuerySchema,
  LoginRequestSchema,
  MetersAnswerSchema,
  PurchaseRequestSchema,
  RefundRequestSchema,
  RegistrationTokenAnswerSchema,
  RegistrationTokenRequestSchema,
  SessionAnswerSchema,
  SignUpRequestSchema,
} from './web-api.js';

const meterId = '00042-00001-0000001001';
const customer = {
  customerId: 'cus_1',
  email: 'alice@example.com',
  displayName: 'Alice Smith',
  createdAt: '2026-11-26T17:00:00.000Z',
};

describe('web account API (DESIGN §6, §8)', () => {
  it('sign-up and login', () => {
    const signUp = {
      protocol: 1,
      email: 'alice@example.com',
      password: 'a long passphrase',
      displayName: 'Alice',
    };
    expectValid(SignUpRequestSchema, signUp);
    expectInvalid(SignUpRequestSchema, { ...signUp, password: 'short' }, ['password']);
    expectInvalid(SignUpRequestSchema, { ...signUp, email: 'not-an-email' }, ['email']);
    expectInvalid(SignUpRequestSchema, { ...signUp, displayName: ' ' }, ['displayName']);
    expectInvalid(SignUpRequestSchema, { ...signUp, role: 'admin' }, ['']);
    expectValid(LoginRequestSchema, { protocol: 1, email: 'alice@example.com', password: 'x' });
    expectInvalid(
      LoginRequestSchema,
      { protocol: 1, email: 'alice@example.com', password: 'x'.repeat(1025) },
      ['password'],
    );
  });

  it('session answer with a CSRF token', () => {
    const csrfToken = Buffer.alloc(32, 9).toString('base64url');
    expectValid(SessionAnswerSchema, { protocol: 1, customer, csrfToken });
    expectInvalid(SessionAnswerSchema, { protocol: 1, customer, csrfToken: 'abc' }, ['csrfToken']);
    expectInvalid(
      SessionAnswerSchema,
      { protocol: 1, customer: { ...customer, passwordHash: 'x' }, csrfToken },
      ['customer'],
    );
  });

  it('meter summaries', () => {
    const meter = {
      meterId,
      state: 'leased',
      licensingZip: '10001',
      ascendingRegisterMills: 5730,
      descendingRegisterMills: 494270,
      maximumDescendingRegisterMills: 500000,
      pieceCount: 1,
      certificateSerial: 4242,
      sample: true,
      users: [{ userId: 'alice', role: 'customer-administrator', maximumTotalMills: null, expiresAt: null }],
    };
    expectValid(MetersAnswerSchema, { protocol: 1, meters: [meter] });
    expectInvalid(
      MetersAnswerSchema,
      { protocol: 1, meters: [{ ...meter, descendingRegisterMills: 4942.7 }] },
      ['meters', 0, 'descendingRegisterMills'],
    );
    expectInvalid(
      MetersAnswerSchema,
      {
        protocol: 1,
        meters: [
          { ...meter, users: [{ userId: 'alice', role: 'root', maximumTotalMills: null, expiresAt: null }] },
        ],
      },
      ['meters', 0, 'users', 0, 'role'],
    );
  });

  it('history query strings are read as text and bounded', () => {
    expect(HistoryQuerySchema.parse({ limit: '50' })).toEqual({ limit: 50 });
    expect(HistoryQuerySchema.parse({})).toEqual({});
    for (const limit of ['0', '101', '-1', '1e2', '05', 'ten'])
      expectInvalid(HistoryQuerySchema, { limit }, ['limit']);
    expectInvalid(HistoryQuerySchema, { limit: '5', sort: 'desc' }, ['']);
  });

  it('history answers', () => {
    const item = {
      indiciumId: 'ind_0001abcd',
      userId: 'alice',
      createdAt: '2026-11-26T17:00:00.000Z',
      kind: 'refund',
      postageMills: 494270,
      mailingDate: '2026-11-26',
      rateCategory: 'RFND',
      originZip: '10001',
      destinationZip: null,
      pieceCount: 2,
      ascendingRegisterMills: 500000,
      descendingRegisterMills: 0,
      sample: true,
    };
    const nextCursor = Buffer.from('cursor-1').toString('base64url');
    expectValid(HistoryAnswerSchema, { protocol: 1, meterId, items: [item], nextCursor });
    expectValid(HistoryAnswerSchema, { protocol: 1, meterId, items: [], nextCursor: null });
    expectInvalid(
      HistoryAnswerSchema,
      { protocol: 1, meterId, items: [{ ...item, kind: 'gift' }], nextCursor: null },
      ['items', 0, 'kind'],
    );
  });

  it('purchase, refund and registration tokens', () => {
    expectValid(PurchaseRequestSchema, {
      protocol: 1,
      amountMills: 100000,
      idempotencyKey: 'buy-0000000001',
    });
    expectInvalid(PurchaseRequestSchema, { protocol: 1, amountMills: -5, idempotencyKey: 'buy-0000000001' }, [
      'amountMills',
    ]);
    expectInvalid(PurchaseRequestSchema, { protocol: 1, amountMills: 100, idempotencyKey: 'short' }, [
      'idempotencyKey',
    ]);
    expectValid(RefundRequestSchema, {
      protocol: 1,
      mailingDate: '2026-11-26',
      idempotencyKey: 'refund-000000001',
    });
    expectValid(RegistrationTokenRequestSchema, { protocol: 1, mode: 'add-user', userId: 'bob' });
    const answer = {
      protocol: 1,
      meterId,
      userId: 'bob',
      mode: 'add-user',
      registrationToken: Buffer.alloc(32, 1).toString('base64url'),
      expiresAt: '2026-11-26T17:15:00.000Z',
    };
    expectValid(RegistrationTokenAnswerSchema, answer);
    expectInvalid(RegistrationTokenAnswerSchema, { ...answer, registrationToken: b64(32) }, [
      'registrationToken',
    ]);
  });
});
