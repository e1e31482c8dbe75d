import { describe, expect, it } from 'vitest';
import { b64, expectInvalid, expectValid } from '../../test/support/schema-assertions.js';
import {
  CompanionToExtensionSchema,
  ExtensionToCompanionSchema,
  NATIVE_MESSAGE_MAX_BYTES,
  NativeErrorSchema,
  NativeHelloSchema,
  NativeRequestSchema,
  NativeResponseSchema,
} from './native-messaging.js';

const requestId = 'req-000000000001';
const meterId = '00042-00001-0000001001';

describe('extension ↔ companion (DESIGN §4.1)', () => {
  it('the frame limit is 1 MiB', () => {
    expect(NATIVE_MESSAGE_MAX_BYTES).toBe(1_048_576);
  });

  it('hello carries any protocol number, so a mismatch can be named rather than refused as garbage', () => {
    expectValid(NativeHelloSchema, { kind: 'hello', protocol: 1, component: 'extension', version: '1.0.0' });
    expectValid(NativeHelloSchema, { kind: 'hello', protocol: 2, component: 'companion', version: '2.0.0' });
    expectInvalid(
      NativeHelloSchema,
      { kind: 'hello', protocol: 0, component: 'extension', version: '1.0.0' },
      ['protocol'],
    );
    expectInvalid(NativeHelloSchema, { kind: 'hello', protocol: 1, component: 'page', version: '1.0.0' }, [
      'component',
    ]);
    expectInvalid(
      NativeHelloSchema,
      { kind: 'hello', protocol: 1, component: 'extension', version: 'latest' },
      ['version'],
    );
  });

  const request = {
    kind: 'request',
    protocol: 1,
    requestId,
    origin: 'https://meter.example',
    request: { type: 'history', payload: { meterId, limit: 10 } },
  };

  it('a request carries the attested origin with the page call', () => {
    expectValid(NativeRequestSchema, request);
    expectValid(ExtensionToCompanionSchema, request);
  });

  it.each([
    ['http', 'http://meter.example'],
    ['with a path', 'https://meter.example/app'],
    ['with a trailing slash', 'https://meter.example/'],
    ['missing', undefined],
  ])('refuses an origin %s', (_name, origin) => {
    expectInvalid(NativeRequestSchema, { ...request, origin }, ['origin']);
  });

  it('refuses extra keys and unknown calls', () => {
    expectInvalid(NativeRequestSchema, { ...request, source: 'indicium-page' }, ['']);
    expectInvalid(NativeRequestSchema, { ...request, request: { type: 'shell', payload: {} } }, [
      'request',
      'type',
    ]);
    expectInvalid(
      NativeRequestSchema,
      { ...request, request: { ...request.request, origin: 'https://evil.example' } },
      ['request'],
    );
  });

  it('parses responses, progress and errors', () => {
    const response = {
      kind: 'response',
      protocol: 1,
      requestId,
      for: 'history',
      payload: { items: [] },
    };
    expectValid(NativeResponseSchema, response);
    expectValid(CompanionToExtensionSchema, response);
    expectValid(CompanionToExtensionSchema, { kind: 'progress', protocol: 1, requestId, stage: 'issuing' });
    const error = {
      kind: 'error',
      protocol: 1,
      requestId: null,
      error: { code: 'FRAME_MALFORMED', message: 'm', actor: 'developer', nextStep: 'n' },
    };
    expectValid(NativeErrorSchema, error);
    expectValid(CompanionToExtensionSchema, error);
    expectInvalid(CompanionToExtensionSchema, { ...error, error: { ...error.error, code: 'not a code' } });
  });

  it('the largest history answer stays well under the frame limit', () => {
    const item = {
      indiciumId: 'i'.repeat(64),
      meterId,
      createdAt: '2026-11-26T17:00:00.000Z',
      kind: 'correction',
      postageMills: 0xffffff,
      mailingDate: '2026-11-26',
      rateCategory: 'FCLT',
      originZip: '10001-1234',
      destinationZip: '94507-1234',
      status: 'print-failed',
    };
    const answer = {
      kind: 'response',
      protocol: 1,
      requestId,
      for: 'history',
      payload: { items: Array(100).fill(item) },
    };
    expectValid(NativeResponseSchema, answer);
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(NATIVE_MESSAGE_MAX_BYTES / 10);
    const tooMany = { ...answer, payload: { items: Array(101).fill(item) } };
    expectInvalid(NativeResponseSchema, tooMany, ['payload', 'items']);
  });

  it('a print answer with its indicium bytes parses', () => {
    const record = {
      indiciumId: 'ind_0001abcd',
      meterId,
      createdAt: '2026-11-26T17:00:00.000Z',
      kind: 'postage',
      postageMills: 730,
      mailingDate: '2026-11-26',
      rateCategory: 'FCLT',
      originZip: '10001',
      destinationZip: null,
      status: 'printed',
    };
    const payload = {
      indicium: record,
      indiciumBytes: b64(114),
      ascendingRegisterMills: 1,
      descendingRegisterMills: 2,
      printed: true,
    };
    expectValid(NativeResponseSchema, { kind: 'response', protocol: 1, requestId, for: 'print', payload });
    expectInvalid(
      NativeResponseSchema,
      {
        kind: 'response',
        protocol: 1,
        requestId,
        for: 'print',
        payload: { ...payload, indiciumBytes: b64(50) },
      },
      ['payload', 'indiciumBytes'],
    );
  });
});
