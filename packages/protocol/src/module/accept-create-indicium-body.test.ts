import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptCreateIndiciumBody } from './accept-create-indicium-body.js';
import { toBase64 } from './module-bytes.js';
import { CreateIndiciumBodySchema } from './psd-commands.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(toBase64);

/** Bodies the schema accepts, field by field from the values the codec takes. */
const validBody = fc.record({
  package: fc.uint8Array({ minLength: 64, maxLength: 300 }).map(toBase64),
  checkpoint: fc.option(fc.uint8Array({ minLength: 64, maxLength: 200 }).map(toBase64), { nil: null }),
  request: fc.record({
    protocol: fc.constant(1),
    meterId: fc
      .tuple(fc.nat(65535), fc.nat(65535), fc.nat(99999))
      .map(([v, m, s]) => `${pad(v, 5)}-${pad(m, 5)}-${pad(s, 10)}`),
    userId: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/),
    clientChallenge: bytes(32),
    moduleChallenge: bytes(32),
    ascendingRegisterMills: fc.nat(1_000_000),
    descendingRegisterMills: fc.nat(1_000_000),
    transaction: fc.record({
      kind: fc.constantFrom('postage', 'correction'),
      postageMills: fc.integer({ min: 1, max: 99_999 }),
      mailingDate: fc
        .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      rateCategory: fc.stringMatching(/^[A-Z0-9]{4}$/),
      originZip: fc.constantFrom('10001', '00501-0001', '94105-1234'),
      destinationZip: fc.constantFrom(null, '60601', '99999-9999'),
      pageOrigin: fc.constantFrom('https://meter.example', 'https://shop.example:8443'),
    }),
    hmac: bytes(32),
  }),
});

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Values that break a field: wrong types, near misses of every rule, extremes. */
const oddValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    true,
    0,
    -0,
    -1,
    1.5,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    'postage',
    'refund',
    '00000',
    '10001-0000',
    '1000',
    '2026-02-30',
    '2026-2-3',
    'abcd',
    'AB C',
    'http://meter.example',
    'https://meter.example/',
    'https://METER.example',
    'https://meter.example:443',
    '00042-00001-0000001001',
    '0042-00001-00000010011',
    'A'.repeat(43),
    `${'A'.repeat(42)}B=`,
    `${'A'.repeat(42)}E=`,
    `${'A'.repeat(40)}AA==`,
    [],
    {},
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  bytes(31),
  bytes(33),
);

type Path = readonly string[];
const PATHS: readonly Path[] = [
  ['package'],
  ['checkpoint'],
  ['request'],
  ...[
    'protocol',
    'meterId',
    'userId',
    'clientChallenge',
    'moduleChallenge',
    'ascendingRegisterMills',
    'descendingRegisterMills',
    'transaction',
    'hmac',
  ].map((k) => ['request', k]),
  ...['kind', 'postageMills', 'mailingDate', 'rateCategory', 'originZip', 'destinationZip', 'pageOrigin'].map(
    (k) => ['request', 'transaction', k],
  ),
];

/** A deep copy of `body` with the field at `path` set, deleted (`remove`) or joined by an extra key. */
function edit(body: unknown, path: Path, how: 'set' | 'remove' | 'extra', value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (how === 'set') target[last] = value;
  else if (how === 'remove') delete target[last];
  else target[`${last}Extra`] = value;
  return copy;
}

describe('acceptCreateIndiciumBody', () => {
  it('accepts every body the schema accepts in the generated shape, as zod outputs it', () => {
    fc.assert(
      fc.property(validBody, (body) => {
        const parsed = CreateIndiciumBodySchema.safeParse(body);
        expect(parsed.success).toBe(true);
        expect(acceptCreateIndiciumBody(body)).toEqual(parsed.data);
      }),
      { numRuns: 300 },
    );
  });

  it('is never more lenient than the schema: whatever it accepts, zod accepts with the same output', () => {
    fc.assert(
      fc.property(
        validBody,
        fc.constantFrom(...PATHS),
        fc.constantFrom('set', 'remove', 'extra'),
        oddValue,
        (body, path, how, value) => {
          const edited = edit(body, path, how as 'set' | 'remove' | 'extra', value);
          const accepted = acceptCreateIndiciumBody(edited);
          const parsed = CreateIndiciumBodySchema.safeParse(edited);
          if (accepted !== null) {
            expect(parsed.success).toBe(true);
            expect(accepted).toEqual(parsed.data);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    [['request', 'transaction', 'mailingDate'], '2026-02-30'],
    [['request', 'transaction', 'pageOrigin'], 'https://meter.example/'],
    [['request', 'transaction', 'originZip'], '10001-0000'],
    [['request', 'meterId'], '0042-00001-00000010011'],
    [['request', 'hmac'], `${'A'.repeat(42)}B=`],
    [['request', 'ascendingRegisterMills'], 1.5],
    [['request', 'transaction', 'postageMills'], 0],
    [['checkpoint'], 'QUFB'],
  ] as const)('declines %j = %j, which the schema refuses', (path, value) => {
    const body = fc.sample(validBody, { numRuns: 1, seed: 7 })[0];
    const edited = edit(body, path, 'set', value);
    expect(acceptCreateIndiciumBody(edited)).toBeNull();
    expect(CreateIndiciumBodySchema.safeParse(edited).success).toBe(false);
  });

  it('declines anything but a plain object (zod then decides)', () => {
    const body = fc.sample(validBody, { numRuns: 1, seed: 3 })[0];
    expect(acceptCreateIndiciumBody(Object.assign(Object.create({ inherited: 1 }), body))).toBeNull();
    expect(acceptCreateIndiciumBody([body])).toBeNull();
    expect(acceptCreateIndiciumBody(null)).toBeNull();
  });
});
