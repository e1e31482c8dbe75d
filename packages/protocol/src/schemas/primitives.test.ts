import { describe, expect, it } from 'vitest';
import { b64, expectInvalid, expectValid } from '../../test/support/schema-assertions.js';
import {
  base64urlBytes,
  ComponentVersionSchema,
  CustomerIdSchema,
  DeviceIdTextSchema,
  hexBytes,
  IsoDateSchema,
  MeterUserIdSchema,
  MillsSchema,
  OriginSchema,
  PostageMillsSchema,
  PROTOCOL_VERSION,
  ProtocolVersionSchema,
  RateCategorySchema,
  RequestIdSchema,
  TimestampSchema,
  wireBytes,
  ZipSchema,
} from './primitives.js';

describe('wireBytes (canonical base64)', () => {
  const Exact32 = wireBytes({ exact: 32 });

  it('accepts exactly the stated length', () => {
    expectValid(Exact32, b64(32));
    expectInvalid(Exact32, b64(31));
    expectInvalid(Exact32, b64(33));
    expectInvalid(Exact32, '');
  });

  it('accepts a range', () => {
    const Range = wireBytes({ min: 2, max: 4 });
    for (const n of [2, 3, 4]) expectValid(Range, b64(n));
    for (const n of [0, 1, 5]) expectInvalid(Range, b64(n));
  });

  it('refuses non-canonical text for the same bytes', () => {
    const one = wireBytes({ exact: 1 });
    expectValid(one, 'Bw==');
    expectInvalid(one, 'Bx=='); // unused low bits set
    expectInvalid(one, 'Bw'); // padding missing
    expectInvalid(one, 'Bw=\n=');
    expectInvalid(Exact32, b64(32).replace('B', '-')); // base64url alphabet
    expectInvalid(Exact32, ` ${b64(32)}`);
  });

  it('refuses non-strings', () => {
    expectInvalid(Exact32, Buffer.alloc(32));
    expectInvalid(Exact32, null);
  });
});

describe('base64urlBytes', () => {
  const Token = base64urlBytes({ exact: 32 });
  const url = (n: number) => Buffer.alloc(n, 0xfb).toString('base64url');

  it('accepts unpadded base64url of the exact length', () => {
    expectValid(Token, url(32));
    expect(url(32)).toMatch(/[-_]/);
    expectInvalid(Token, url(31));
    expectInvalid(Token, url(33));
  });

  it('refuses padding, the standard alphabet and set unused bits', () => {
    expectInvalid(Token, `${url(32)}=`);
    expectInvalid(Token, url(32).replaceAll('-', '+').replaceAll('_', '/'));
    const one = base64urlBytes({ exact: 1 });
    expectValid(one, 'Bw');
    expectInvalid(one, 'Bx');
    expectInvalid(one, 'B'); // a single character encodes no whole byte
  });
});

describe('hexBytes', () => {
  const H = hexBytes({ exact: 2 });
  it('accepts lower-case hex of the exact length only', () => {
    expectValid(H, 'beef');
    expectInvalid(H, 'BEEF');
    expectInvalid(H, 'bee');
    expectInvalid(H, 'beef00');
    expectInvalid(H, 'zzzz');
  });
});

describe('mills', () => {
  it('are non-negative safe integers', () => {
    for (const ok of [0, 1, 730, Number.MAX_SAFE_INTEGER]) expectValid(MillsSchema, ok);
    for (const bad of [-1, 0.5, 7.3, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, '730', 730n, null]) {
      expectInvalid(MillsSchema, bad);
    }
  });

  it('postage fits the indicium’s 24-bit field', () => {
    expectValid(PostageMillsSchema, 0xffffff);
    expectInvalid(PostageMillsSchema, 0x1000000);
  });
});

describe('text primitives', () => {
  it('ZIP: five digits, optionally -four, never 00000 or -0000', () => {
    for (const ok of ['10001', '10001-1234', '00601-9999']) expectValid(ZipSchema, ok);
    for (const bad of ['1000', '100011', '10001-', '10001-123', '00000', '10001-0000', '10001 1234', 10001]) {
      expectInvalid(ZipSchema, bad);
    }
  });

  it('ISO date: a real calendar date only', () => {
    for (const ok of ['2026-11-26', '2028-02-29', '2000-02-29']) expectValid(IsoDateSchema, ok);
    for (const bad of [
      '2026-11-31',
      '2027-02-29',
      '1900-02-29',
      '2026-1-26',
      '26-11-2026',
      '2026-11-26T00:00Z',
    ]) {
      expectInvalid(IsoDateSchema, bad);
    }
  });

  it('timestamp: ISO 8601 UTC', () => {
    expectValid(TimestampSchema, '2026-11-26T17:00:00.000Z');
    expectValid(TimestampSchema, '2026-11-26T17:00:00Z');
    expectInvalid(TimestampSchema, '2026-11-26T17:00:00+01:00');
    expectInvalid(TimestampSchema, '2026-11-26');
  });

  it('rate category: four of A-Z 0-9', () => {
    expectValid(RateCategorySchema, 'FCLT');
    for (const bad of ['fclt', 'FCL', 'FCLTX', 'FC T', 'FCL\u0000']) expectInvalid(RateCategorySchema, bad);
  });

  it('device id: the zero-padded text form only', () => {
    expectValid(DeviceIdTextSchema, '00042-00001-0000001001');
    for (const bad of [
      '42-1-1001',
      '00042-00001-000000100',
      '70000-00001-0000001001',
      '00042-00001-9999999999',
    ]) {
      expectInvalid(DeviceIdTextSchema, bad);
    }
  });

  it('user and customer ids', () => {
    expectValid(MeterUserIdSchema, 'alice.smith-2');
    for (const bad of ['Alice', '', '.alice', 'a'.repeat(65), 'al ice'])
      expectInvalid(MeterUserIdSchema, bad);
    expectValid(CustomerIdSchema, 'cus_01HZX3');
    for (const bad of ['', 'a'.repeat(37), 'a/b']) expectInvalid(CustomerIdSchema, bad);
  });

  it('request ids and versions', () => {
    expectValid(RequestIdSchema, crypto.randomUUID());
    for (const bad of ['short', 'a'.repeat(65), 'has space!']) expectInvalid(RequestIdSchema, bad);
    expectValid(ComponentVersionSchema, '1.4.0');
    expectValid(ComponentVersionSchema, '2.0.0-rc.1');
    for (const bad of ['1.4', 'v1.4.0', '1.4.0+build']) expectInvalid(ComponentVersionSchema, bad);
  });

  it('protocol version is exactly the constant', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expectValid(ProtocolVersionSchema, 1);
    for (const bad of [0, 2, '1']) expectInvalid(ProtocolVersionSchema, bad);
  });
});

describe('origin', () => {
  it('accepts https origins in the browser’s own form', () => {
    for (const ok of ['https://meter.example', 'https://meter.example:8443', 'https://127.0.0.1:3443']) {
      expectValid(OriginSchema, ok);
    }
  });

  it('refuses other schemes, paths, queries, user info and non-canonical forms', () => {
    for (const bad of [
      'http://meter.example',
      'wss://meter.example',
      'https://meter.example/print',
      'https://meter.example?x=1',
      'https://meter.example#x',
      'https://user@meter.example',
      'https://Meter.Example',
      'https://meter.example:443',
      'meter.example',
      'null',
      '',
    ]) {
      expectInvalid(OriginSchema, bad);
    }
  });

  it('refuses origins over 255 characters', () => {
    const host = `${'a'.repeat(60)}.`.repeat(4);
    expectInvalid(OriginSchema, `https://${host}example`);
  });
});
