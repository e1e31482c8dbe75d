import {
  CreateIndiciumAnswerMac,
  type CreateIndiciumRequest,
  CreateIndiciumRequestMac,
  IndiciumError,
  layoutBytesOf,
  MAX_ASCENDING_REGISTER_MILLS,
  MAX_DESCENDING_REGISTER_MILLS,
  MAX_POSTAGE_MILLS,
} from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIndiciumAnswerMacInput, createIndiciumRequestMacInput } from './create-indicium-mac-input.js';
import { fastLayoutBytes } from './package/fast-canonical.js';

/** The dedicated MAC inputs against the protocol's reference encoding, byte for byte. */
const b64 = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b).toString('base64'));
const zip = fc.oneof(fc.stringMatching(/^[0-9]{5}$/), fc.stringMatching(/^[0-9]{5}-[0-9]{4}$/));

const request: fc.Arbitrary<CreateIndiciumRequest> = fc.record({
  protocol: fc.constant(1 as const),
  meterId: fc.stringMatching(/^[0-9]{5}-[0-9]{5}-[0-9]{10}$/),
  userId: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  clientChallenge: b64(32),
  moduleChallenge: b64(32),
  ascendingRegisterMills: fc.integer({ min: 0, max: MAX_ASCENDING_REGISTER_MILLS }),
  descendingRegisterMills: fc.integer({ min: 0, max: MAX_DESCENDING_REGISTER_MILLS }),
  transaction: fc.record({
    kind: fc.constantFrom('postage' as const, 'correction' as const),
    postageMills: fc.integer({ min: 1, max: MAX_POSTAGE_MILLS }),
    mailingDate: fc.constantFrom('2026-11-27', '2028-02-29'),
    rateCategory: fc.stringMatching(/^[A-Z0-9]{4}$/),
    originZip: zip,
    destinationZip: fc.option(zip, { nil: null }),
    // Any text (non-ASCII too): the encoder counts UTF-8 bytes, not characters.
    pageOrigin: fc.oneof(
      fc.constant('https://meter.example'),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    ),
  }),
  hmac: b64(32),
});

function outcome(run: () => Uint8Array): Uint8Array | string {
  try {
    return new Uint8Array(run());
  } catch (error) {
    if (error instanceof IndiciumError) return error.code;
    throw error;
  }
}

describe('Create Indicium MAC inputs (DESIGN §4.3 steps 5 and 10)', () => {
  it('the request MAC input is layoutBytesOf(CreateIndiciumRequestMac, request)', () => {
    fc.assert(
      fc.property(request, (r) => {
        expect(new Uint8Array(createIndiciumRequestMacInput(r))).toEqual(
          new Uint8Array(layoutBytesOf(CreateIndiciumRequestMac, r)),
        );
      }),
      { numRuns: 500 },
    );
  });

  // Dispatch only hands over bodies the check accepted (canonical base64); anything else must at
  // least be what the generic fast encoder made of it before, bytes or refusal.
  it('a request outside the accepted shape gets what the generic encoder makes of it', () => {
    const broken = fc.record({
      field: fc.constantFrom('clientChallenge', 'moduleChallenge', 'ascendingRegisterMills', 'meterId'),
      value: fc.oneof(
        b64(31),
        b64(33),
        fc.constant('!'.repeat(44)),
        fc.constant(-1),
        fc.constant(1.5),
        fc.constant(null),
      ),
    });
    fc.assert(
      fc.property(request, broken, (r, { field, value }) => {
        const bad = { ...r, [field]: value } as unknown as CreateIndiciumRequest;
        expect(outcome(() => createIndiciumRequestMacInput(bad))).toEqual(
          outcome(() => fastLayoutBytes(CreateIndiciumRequestMac, bad)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the answer MAC input is CreateIndiciumAnswerMac.encode of the answer', () => {
    const answer = fc.record({
      meterId: fc.stringMatching(/^[0-9]{5}-[0-9]{5}-[0-9]{10}$/),
      userId: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/),
      indicium: fc.uint8Array({ minLength: 114, maxLength: 114 }),
      clientChallenge: b64(32),
      moduleChallenge: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      ascendingRegisterMills: fc.integer({ min: 0, max: MAX_ASCENDING_REGISTER_MILLS }),
      descendingRegisterMills: fc.integer({ min: 0, max: MAX_DESCENDING_REGISTER_MILLS }),
    });
    fc.assert(
      fc.property(answer, (a) => {
        expect(new Uint8Array(createIndiciumAnswerMacInput(a))).toEqual(
          CreateIndiciumAnswerMac.encode({ ...a, clientChallenge: Buffer.from(a.clientChallenge, 'base64') }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
