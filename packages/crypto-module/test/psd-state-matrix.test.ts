import { randomBytes } from 'node:crypto';
import { PSD_STATES, type PsdState, toBase64 } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  signCreateIndiciumRequest,
  signGetChallengeRequest,
  signUserAdminRequest,
} from '../src/psd/client/user-requests.js';
import {
  CUSTOMER_ID,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
  TestMeter,
  transaction,
} from './psd-harness.js';

/**
 * Every PSD command in every PSD state (DESIGN §3.3 second table): a well-formed, correctly signed
 * body for each command, sent with a package in each state. A command the table allows there must
 * get past the state check (it may still stop at a later check); one it does not allow is refused
 * with the state's code — and "a withdrawn package runs no command".
 */
const ALLOWED: Readonly<Record<string, readonly PsdState[]>> = {
  'authorize-psd': ['raw'],
  'registration-challenge': ['unleased', 'leased', 'pwreset'],
  'configure-psd': ['unleased'],
  'authorize-customer': ['assigned'],
  'value-download': ['leased', 'pwreset'],
  'get-challenge': ['leased', 'pwreset'],
  'create-indicium': ['leased'],
  'create-correction-indicium': ['leased'],
  'create-refund-indicium': ['leased', 'pwreset'],
  'start-password-reset': ['leased', 'pwreset'],
  'complete-password-reset': ['pwreset'],
  'register-psd-user': ['leased'],
  'add-psd-user': ['leased'],
  'delete-psd-user': ['leased'],
  'modify-psd-user': ['leased'],
  'list-psd-users': ['leased'],
};
const STATE_CODES = new Set(['WRONG_STATE', 'METER_WITHDRAWN', 'PASSWORD_RESET_PENDING']);

let host: PsdHost;
let card: PsdCard;
const table = new ModuleTable();
let meter: TestMeter;
let hmk: Uint8Array;
let certificate: string;
const packages = new Map<PsdState, string>();

beforeAll(async () => {
  ({ host, card } = await singleModule());
  meter = new TestMeter('00042-00001-0000009001', table, card);
  const made = await meter.ok<{ publicKey: string }>(host, 'initialize-psd', { meterId: meter.meterId });
  packages.set('raw', meter.package);
  certificate = await card.ca.issue(meter.meterId, made.publicKey, 9001);
  await meter.ok(host, 'authorize-psd', { certificate });
  packages.set('unleased', meter.package);
  ({ hmk } = await meter.register(host, 'configure-psd', 'alice'));
  packages.set('assigned', meter.package);
  await meter.ok(host, 'authorize-customer', { message: meter.authorizeCustomerMessage() });
  await meter.ok(host, 'value-download', { message: meter.downloadMessage(0, 5_000) });
  packages.set('leased', meter.package);
  await meter.ok(host, 'start-password-reset', { message: meter.resetMessage('alice') });
  packages.set('pwreset', meter.package);
  await meter.ok(host, 'create-refund-indicium', { message: meter.refundMessage(5_000) });
  packages.set('withdrawn', meter.package);
});

function registration(mode: string) {
  return {
    request: {
      protocol: 1,
      mode,
      meterId: meter.meterId,
      customerId: CUSTOMER_ID,
      userId: 'alice',
      registrationToken: 'A'.repeat(43),
      challenge: toBase64(randomBytes(32)),
      encryptedSecrets: toBase64(randomBytes(384)),
    },
  };
}

function admin(action: 'add' | 'delete' | 'modify' | 'list') {
  return {
    request: signUserAdminRequest(hmk, {
      meterId: meter.meterId,
      userId: 'alice',
      clientChallenge: toBase64(randomBytes(32)),
      moduleChallenge: toBase64(randomBytes(32)),
      action,
      targetUserId: action === 'list' ? null : 'carol',
      role: action === 'add' || action === 'modify' ? 'user' : null,
      privileges: [],
      maximumTotalMills: null,
      expiresAt: null,
      reregister: false,
    }),
  };
}

function indicium(kind: 'postage' | 'correction') {
  return {
    request: signCreateIndiciumRequest(hmk, {
      meterId: meter.meterId,
      userId: 'alice',
      clientChallenge: toBase64(randomBytes(32)),
      moduleChallenge: toBase64(randomBytes(32)),
      ascendingRegisterMills: 0,
      descendingRegisterMills: 5_000,
      transaction: transaction(10, kind),
    }),
  };
}

/** A fresh, correctly authenticated body per command (nonces and timestamps never repeat). */
const BODIES: Readonly<Record<string, () => Record<string, unknown>>> = {
  'authorize-psd': () => ({ certificate }),
  'registration-challenge': () => ({
    request: { protocol: 1, meterId: meter.meterId, registrationToken: 'A'.repeat(43) },
  }),
  'configure-psd': () => registration('configure'),
  'authorize-customer': () => ({ message: meter.authorizeCustomerMessage() }),
  'value-download': () => ({ message: meter.downloadMessage(5_000, 10) }),
  'get-challenge': () => ({
    request: signGetChallengeRequest(hmk, {
      meterId: meter.meterId,
      userId: 'alice',
      clientChallenge: toBase64(randomBytes(32)),
    }),
  }),
  'create-indicium': () => indicium('postage'),
  'create-correction-indicium': () => indicium('correction'),
  'create-refund-indicium': () => ({ message: meter.refundMessage(5_000) }),
  'start-password-reset': () => ({ message: meter.resetMessage('alice') }),
  'complete-password-reset': () => registration('reset'),
  'register-psd-user': () => registration('add-user'),
  'add-psd-user': () => admin('add'),
  'delete-psd-user': () => admin('delete'),
  'modify-psd-user': () => admin('modify'),
  'list-psd-users': () => admin('list'),
};

describe('PSD commands × PSD states (DESIGN §3.3)', () => {
  it('covers every PSD command of the table', async () => {
    const { COMMAND_TABLE } = await import('../src/commands/command-table.js');
    const psd = Object.values(COMMAND_TABLE)
      .filter((spec) => 'checkpoint' in ((spec.request as { shape?: object }).shape ?? {}))
      .map((spec) => spec.name)
      .filter(
        (name) =>
          ![
            'initialize-psd',
            'auto-recover-checkpoint',
            'recover-checkpoint',
            'translate-psd-package',
          ].includes(name),
      );
    expect(psd.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  for (const state of PSD_STATES) {
    for (const [command, allowed] of Object.entries(ALLOWED)) {
      const may = allowed.includes(state);
      it(`${command} in ${state}: ${may ? 'passes the state check' : 'refused'}`, async () => {
        meter.package = packages.get(state) as string;
        const outcome = await meter.send(host, command, (BODIES[command] as () => Record<string, unknown>)());
        const code = outcome.ok ? null : outcome.error.code;
        if (may) {
          expect(code === null || !STATE_CODES.has(code), `${command} in ${state}: ${code}`).toBe(true);
        } else {
          const expected =
            state === 'withdrawn'
              ? 'METER_WITHDRAWN'
              : state === 'pwreset'
                ? 'PASSWORD_RESET_PENDING'
                : 'WRONG_STATE';
          expect(code).toBe(expected);
        }
      });
    }
  }
});
