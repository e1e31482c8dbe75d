import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  attachIndiciumSignature,
  type CreateIndiciumAnswer,
  CreateIndiciumAnswerMac,
  type CreateIndiciumRequest,
  encodeIndiciumSignedPart,
  IndiciumError,
  type IndiciumFields,
  layoutBytesOf,
  toBase64,
} from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { checkIssuedIndicium } from './check-issued-indicium.js';
import { signCreateIndiciumRequest, verifyCreateIndiciumAnswer } from './psd-requests.js';

const METER = '00042-00001-0000001001';
const meterKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const hmk = new Uint8Array(randomBytes(32));

const request: CreateIndiciumRequest = signCreateIndiciumRequest(hmk, {
  meterId: METER,
  userId: 'ada',
  moduleChallenge: toBase64(randomBytes(32)),
  ascendingRegisterMills: 5000,
  descendingRegisterMills: 495_000,
  transaction: {
    kind: 'postage',
    postageMills: 730,
    mailingDate: '2026-11-26',
    rateCategory: 'FCLT',
    originZip: '10001-1234',
    destinationZip: '94507',
    pageOrigin: 'https://meter.example',
  },
});

/** What an honest module answers to `request` (DESIGN §4.3 steps 8–10), with optional changes. */
function moduleAnswer(
  changes: { fields?: Partial<IndiciumFields>; registers?: [number, number]; key?: typeof meterKey } = {},
): CreateIndiciumAnswer {
  const [ar, dr] = changes.registers ?? [5730, 494_270];
  const fields: IndiciumFields = {
    version: 1,
    algorithm: 1,
    certificateSerial: 4242,
    vendorId: 42,
    psdModel: 1,
    psdSerial: 1001,
    ascendingRegisterMills: ar,
    postageMills: 730,
    mailingDate: '2026-11-26',
    originZip: '10001-1234',
    softwareId: 7,
    descendingRegisterMills: dr,
    rateCategory: 'FCLT',
    destinationZip: '94507',
    pieceCount: 8,
    kind: 'postage',
    sample: true,
    ...changes.fields,
  };
  const signedPart = encodeIndiciumSignedPart(fields);
  const signature = sign('sha256', signedPart, {
    key: (changes.key ?? meterKey).privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  const body = {
    protocol: 1 as const,
    meterId: METER,
    userId: 'ada',
    indicium: toBase64(attachIndiciumSignature(signedPart, signature)),
    clientChallenge: request.clientChallenge,
    moduleChallenge: toBase64(randomBytes(32)),
    ascendingRegisterMills: ar,
    descendingRegisterMills: dr,
  };
  const mac = createHmac('sha256', hmk).update(layoutBytesOf(CreateIndiciumAnswerMac, body)).digest();
  return { ...body, mac: toBase64(mac) };
}

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('Create Indicium answer checks (DESIGN §4.3)', () => {
  it('an honest answer passes: MAC, Cc echoed, signature, every field as asked', () => {
    const answer = moduleAnswer();
    verifyCreateIndiciumAnswer(hmk, request, answer);
    const fields = checkIssuedIndicium(request, answer, meterKey.publicKey);
    expect(fields).toMatchObject({ postageMills: 730, ascendingRegisterMills: 5730, pieceCount: 8 });
  });

  it('one flipped bit anywhere the MAC covers is MAC_INVALID', () => {
    const answer = moduleAnswer();
    for (const name of ['indicium', 'moduleChallenge', 'mac'] as const) {
      const bytes = Buffer.from(answer[name], 'base64');
      bytes[3] = (bytes[3] ?? 0) ^ 0x01;
      const error = refusal(() =>
        verifyCreateIndiciumAnswer(hmk, request, { ...answer, [name]: bytes.toString('base64') }),
      );
      expect(error).toMatchObject({ code: 'MAC_INVALID', field: 'answer.mac' });
    }
    expect(
      refusal(() => verifyCreateIndiciumAnswer(hmk, request, { ...answer, descendingRegisterMills: 494_271 }))
        .code,
    ).toBe('MAC_INVALID');
    expect(refusal(() => verifyCreateIndiciumAnswer(new Uint8Array(32), request, answer)).code).toBe(
      'MAC_INVALID',
    );
  });

  it('an answer to another request (another Cc) is CHALLENGE_INVALID even with a good MAC', () => {
    const other = signCreateIndiciumRequest(hmk, { ...request, transaction: request.transaction });
    expect(refusal(() => verifyCreateIndiciumAnswer(hmk, other, moduleAnswer()))).toMatchObject({
      code: 'CHALLENGE_INVALID',
      field: 'answer.clientChallenge',
    });
  });

  it('an indicium signed by another key is SIGNATURE_INVALID', () => {
    const answer = moduleAnswer({ key: otherKey });
    expect(refusal(() => checkIssuedIndicium(request, answer, meterKey.publicKey))).toMatchObject({
      code: 'SIGNATURE_INVALID',
      field: 'indicium.signature',
    });
  });

  it.each([
    ['kind', { kind: 'correction' }],
    ['postageMills', { postageMills: 731 }],
    ['mailingDate', { mailingDate: '2026-11-27' }],
    ['rateCategory', { rateCategory: 'PRIO' }],
    ['originZip', { originZip: '10001' }],
    ['destinationZip', { destinationZip: null }],
    ['meterId', { psdSerial: 1002 }],
    ['meterId', { vendorId: 43 }],
    ['pieceCount', { pieceCount: 0 }],
    ['ascendingRegisterMills', { ascendingRegisterMills: 5731 }],
    ['descendingRegisterMills', { descendingRegisterMills: 494_269 }],
  ] as const)('a validly signed indicium with another %s is INDICIUM_MISMATCH', (field, change) => {
    const answer = moduleAnswer({ fields: change as Partial<IndiciumFields> });
    expect(refusal(() => checkIssuedIndicium(request, answer, meterKey.publicKey))).toMatchObject({
      code: 'INDICIUM_MISMATCH',
      field,
    });
  });

  it('registers: the AR never goes back and the control total never shrinks; a shared meter may have moved', () => {
    // AR lower than asked + postage: value appeared from nowhere or the record was rolled back.
    expect(
      refusal(() =>
        checkIssuedIndicium(request, moduleAnswer({ registers: [5729, 494_271] }), meterKey.publicKey),
      ),
    ).toMatchObject({ code: 'INDICIUM_MISMATCH', field: 'ascendingRegisterMills' });
    // AR right but DR lower than DR − postage: money gone missing.
    expect(
      refusal(() =>
        checkIssuedIndicium(request, moduleAnswer({ registers: [5730, 494_000] }), meterKey.publicKey),
      ),
    ).toMatchObject({ code: 'INDICIUM_MISMATCH', field: 'descendingRegisterMills' });
    // Another user printed 1000 mills in between, and 5000 were bought: consistent.
    expect(() =>
      checkIssuedIndicium(request, moduleAnswer({ registers: [6730, 498_270] }), meterKey.publicKey),
    ).not.toThrow();
  });

  it('bytes that are not an indicium are INDICIUM_MALFORMED', () => {
    const answer = moduleAnswer();
    const bytes = Buffer.from(answer.indicium, 'base64');
    bytes[0] = 2;
    expect(
      refusal(() =>
        checkIssuedIndicium(request, { ...answer, indicium: bytes.toString('base64') }, meterKey.publicKey),
      ).code,
    ).toBe('INDICIUM_MALFORMED');
  });
});
