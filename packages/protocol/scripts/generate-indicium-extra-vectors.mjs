/**
 * Writes test-data/indicium-v1-extra.json: edge-case vectors for the indicium v1 codec (DESIGN §5).
 *
 * This script encodes with its own few lines of Buffer writes, independent of src/indicium, so the
 * vectors cross-check the codec rather than echo it. It is run by hand (`node scripts/generate-indicium-extra-vectors.mjs`)
 * and its output is committed; the tests replay the data and never regenerate it. Signatures are
 * ECDSA with a fresh P-256 key each run (randomised), so a re-run changes every signature and key.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const KINDS = { postage: 0, correction: 1, refund: 2 };

function zipNumber(text) {
  if (text === null) return 0;
  const [zip5, plus4 = '0'] = text.split('-');
  return Number(zip5) * 10000 + Number(plus4);
}

function encode(f) {
  const b = Buffer.alloc(50);
  b.writeUInt8(f.version, 0);
  b.writeUInt8(f.algorithm, 1);
  b.writeUInt32BE(f.certificateSerial, 2);
  b.writeUInt16BE(f.vendorId, 6);
  b.writeUInt16BE(f.psdModel, 8);
  b.writeUInt32BE(f.psdSerial, 10);
  b.writeUIntBE(f.ascendingRegisterMills, 14, 5);
  b.writeUIntBE(f.postageMills, 19, 3);
  b.writeUInt32BE(Number(f.mailingDate.replaceAll('-', '')), 22);
  b.writeUInt32BE(zipNumber(f.originZip), 26);
  b.writeUInt16BE(f.softwareId, 30);
  b.writeUInt32BE(f.descendingRegisterMills, 32);
  b.write(f.rateCategory, 36, 4, 'latin1');
  b.writeUInt32BE(zipNumber(f.destinationZip), 40);
  b.writeUInt32BE(f.pieceCount, 44);
  b.writeUInt8(KINDS[f.kind], 48);
  b.writeUInt8(f.sample ? 1 : 0, 49);
  return b;
}

const base = {
  version: 1,
  algorithm: 1,
  certificateSerial: 4242,
  vendorId: 42,
  psdModel: 1,
  psdSerial: 1001,
  ascendingRegisterMills: 5730,
  postageMills: 730,
  mailingDate: '2026-11-26',
  originZip: '10001-1234',
  softwareId: 7,
  descendingRegisterMills: 494270,
  rateCategory: 'FCLT',
  destinationZip: '94507',
  pieceCount: 1,
  kind: 'postage',
  sample: true,
};

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signPart = (part) => sign('sha256', part, { key: privateKey, dsaEncoding: 'ieee-p1363' });

const validCases = [
  ['postage, sample', {}],
  ['postage, not sample', { sample: false }],
  ['correction, sample', { kind: 'correction', rateCategory: 'CORR', postageMills: 50 }],
  ['refund, not sample', { kind: 'refund', rateCategory: 'RFND', descendingRegisterMills: 0, sample: false }],
  [
    'maximum registers, postage and ids',
    {
      certificateSerial: 0xffffffff,
      vendorId: 0xffff,
      psdModel: 0xffff,
      psdSerial: 0xffffffff,
      ascendingRegisterMills: 2 ** 40 - 1,
      postageMills: 2 ** 24 - 1,
      softwareId: 0xffff,
      descendingRegisterMills: 0xffffffff,
      pieceCount: 0xffffffff,
    },
  ],
  [
    'smallest values: serial 1, zeros elsewhere',
    {
      certificateSerial: 1,
      vendorId: 0,
      psdModel: 0,
      psdSerial: 0,
      ascendingRegisterMills: 0,
      postageMills: 0,
      softwareId: 0,
      descendingRegisterMills: 0,
      pieceCount: 0,
    },
  ],
  ['ascending register above 2^32 (uint40 high byte)', { ascendingRegisterMills: 2 ** 32 + 0x0102 }],
  ['ZIP without +4 on both ends', { originZip: '02139', destinationZip: '94507' }],
  ['destination not given (0 / null)', { destinationZip: null }],
  ['lowest and highest ZIP values', { originZip: '00001', destinationZip: '99999-9999' }],
  ['leap day 2024-02-29', { mailingDate: '2024-02-29' }],
  ['leap day of a 400-year 2000-02-29', { mailingDate: '2000-02-29' }],
  ['first representable date 0001-01-01', { mailingDate: '0001-01-01' }],
  ['last representable date 9999-12-31', { mailingDate: '9999-12-31' }],
  ['rate category of digits', { rateCategory: '0199' }],
  ['rate category mixed A-Z0-9', { rateCategory: 'PM2Z' }],
];

const valid = validCases.map(([name, change]) => {
  const fields = { ...base, ...change };
  const signedPart = encode(fields);
  const indicium = Buffer.concat([signedPart, signPart(signedPart)]);
  return { name, fields, signedPartHex: signedPart.toString('hex'), indiciumHex: indicium.toString('hex') };
});

const good = Buffer.from(valid[0].indiciumHex, 'hex');
const mutate = (offset, bytes) => {
  const b = Buffer.from(good);
  Buffer.from(bytes).copy(b, offset);
  return b.toString('hex');
};
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return [...b];
};
const P256_N = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';

const malformed = (name, hex, field) => ({ name, hex, code: 'INDICIUM_MALFORMED', field });
const invalidBytes = [
  malformed('empty', '', 'length'),
  malformed('signed part only (50 bytes)', good.subarray(0, 50).toString('hex'), 'length'),
  malformed('113 bytes', good.subarray(0, 113).toString('hex'), 'length'),
  malformed('115 bytes', `${good.toString('hex')}00`, 'length'),
  malformed('version 0', mutate(0, [0]), 'version'),
  malformed('version 0xff', mutate(0, [0xff]), 'version'),
  malformed('algorithm 0', mutate(1, [0]), 'algorithm'),
  malformed('algorithm 2', mutate(1, [2]), 'algorithm'),
  malformed('certificate serial 0', mutate(2, u32(0)), 'certificateSerial'),
  malformed('Feb 29 of a non-leap year (2026-02-29)', mutate(22, u32(20260229)), 'mailingDate'),
  malformed('Feb 29 of a non-leap century (1900-02-29)', mutate(22, u32(19000229)), 'mailingDate'),
  malformed('month 13', mutate(22, u32(20261301)), 'mailingDate'),
  malformed('month 0', mutate(22, u32(20260001)), 'mailingDate'),
  malformed('day 0', mutate(22, u32(20261100)), 'mailingDate'),
  malformed('April 31', mutate(22, u32(20260431)), 'mailingDate'),
  malformed('date 0', mutate(22, u32(0)), 'mailingDate'),
  malformed('year 0000', mutate(22, u32(101)), 'mailingDate'),
  malformed('date beyond 9999-12-31', mutate(22, u32(100000101)), 'mailingDate'),
  malformed('origin ZIP 0 (origin must be given)', mutate(26, u32(0)), 'originZip'),
  malformed('origin ZIP5 00000 with +4 9999', mutate(26, u32(9999)), 'originZip'),
  malformed('origin ZIP 0xffffffff', mutate(26, u32(0xffffffff)), 'originZip'),
  malformed('destination ZIP5 00000 with +4 1234', mutate(40, u32(1234)), 'destinationZip'),
  malformed('destination ZIP 1000000000', mutate(40, u32(1000000000)), 'destinationZip'),
  malformed('rate category NUL', mutate(36, [0x46, 0x43, 0x4c, 0x00]), 'rateCategory'),
  malformed('rate category TAB', mutate(36, [0x46, 0x09, 0x4c, 0x54]), 'rateCategory'),
  malformed('rate category 0x1f', mutate(36, [0x1f, 0x43, 0x4c, 0x54]), 'rateCategory'),
  malformed('rate category DEL', mutate(36, [0x46, 0x43, 0x4c, 0x7f]), 'rateCategory'),
  malformed('rate category space', mutate(36, [0x46, 0x43, 0x20, 0x54]), 'rateCategory'),
  malformed('rate category lower case', mutate(36, [0x66, 0x63, 0x6c, 0x74]), 'rateCategory'),
  malformed('rate category non-ASCII 0xc9', mutate(36, [0x46, 0x43, 0x4c, 0xc9]), 'rateCategory'),
  malformed('kind 3', mutate(48, [3]), 'kind'),
  malformed('kind 0xff', mutate(48, [0xff]), 'kind'),
  ...[1, 2, 3, 4, 5, 6, 7].map((bit) =>
    malformed(`reserved flag bit ${bit} with SAMPLE`, mutate(49, [0x01 | (1 << bit)]), 'flags'),
  ),
  ...[1, 2, 3, 4, 5, 6, 7].map((bit) =>
    malformed(`reserved flag bit ${bit} without SAMPLE`, mutate(49, [1 << bit]), 'flags'),
  ),
  malformed('every flag bit', mutate(49, [0xff]), 'flags'),
  malformed('signature all zero', mutate(50, new Array(64).fill(0)), 'signature'),
  malformed('signature r = 0', mutate(50, new Array(32).fill(0)), 'signature'),
  malformed('signature s = n', mutate(82, Buffer.from(P256_N, 'hex')), 'signature'),
  malformed('signature all 0xff', mutate(50, new Array(64).fill(0xff)), 'signature'),
];

const invalid = (name, change, field) => ({
  name,
  fields: { ...base, ...change },
  code: 'INVALID_FIELD',
  field,
});
const invalidFields = [
  invalid('version 2', { version: 2 }, 'version'),
  invalid('algorithm 2', { algorithm: 2 }, 'algorithm'),
  invalid('certificate serial 0', { certificateSerial: 0 }, 'certificateSerial'),
  invalid('vendor id 65536', { vendorId: 65536 }, 'vendorId'),
  invalid('PSD serial negative', { psdSerial: -1 }, 'psdSerial'),
  invalid('ascending register 2^40', { ascendingRegisterMills: 2 ** 40 }, 'ascendingRegisterMills'),
  invalid('postage 2^24', { postageMills: 2 ** 24 }, 'postageMills'),
  invalid('postage a fraction of a mill', { postageMills: 730.5 }, 'postageMills'),
  invalid('postage as a string', { postageMills: '730' }, 'postageMills'),
  invalid('descending register 2^32', { descendingRegisterMills: 2 ** 32 }, 'descendingRegisterMills'),
  invalid('piece count 2^32', { pieceCount: 2 ** 32 }, 'pieceCount'),
  invalid('Feb 29 of a non-leap year', { mailingDate: '2026-02-29' }, 'mailingDate'),
  invalid('Feb 29 of 2100', { mailingDate: '2100-02-29' }, 'mailingDate'),
  invalid('month 13', { mailingDate: '2026-13-01' }, 'mailingDate'),
  invalid('date without padding', { mailingDate: '2026-1-5' }, 'mailingDate'),
  invalid('date as YYYYMMDD text', { mailingDate: '20261126' }, 'mailingDate'),
  invalid('date with time', { mailingDate: '2026-11-26T00:00:00Z' }, 'mailingDate'),
  invalid('year 0000', { mailingDate: '0000-01-01' }, 'mailingDate'),
  invalid('origin ZIP 00000', { originZip: '00000' }, 'originZip'),
  invalid('origin ZIP null', { originZip: null }, 'originZip'),
  invalid('origin ZIP 4 digits', { originZip: '1234' }, 'originZip'),
  invalid('origin ZIP+4 suffix 0000', { originZip: '12345-0000' }, 'originZip'),
  invalid('origin ZIP+4 short suffix', { originZip: '12345-123' }, 'originZip'),
  invalid('origin ZIP with space', { originZip: ' 12345' }, 'originZip'),
  invalid('origin ZIP in full-width digits', { originZip: '\uff11\uff12\uff13\uff14\uff15' }, 'originZip'),
  invalid('destination ZIP 00000', { destinationZip: '00000' }, 'destinationZip'),
  invalid('destination ZIP empty text', { destinationZip: '' }, 'destinationZip'),
  invalid('rate category lower case', { rateCategory: 'fclt' }, 'rateCategory'),
  invalid('rate category 3 characters', { rateCategory: 'FCL' }, 'rateCategory'),
  invalid('rate category 5 characters', { rateCategory: 'FCLTX' }, 'rateCategory'),
  invalid('rate category with space', { rateCategory: 'FC T' }, 'rateCategory'),
  invalid('rate category with TAB', { rateCategory: 'FC\tT' }, 'rateCategory'),
  invalid('rate category with NUL', { rateCategory: 'FCL\u0000' }, 'rateCategory'),
  invalid('rate category non-ASCII', { rateCategory: 'FCL\u00c9' }, 'rateCategory'),
  invalid('unknown kind', { kind: 'stamp' }, 'kind'),
  invalid('sample as a number', { sample: 1 }, 'sample'),
  invalid('extra flags field', { flags: 2 }, 'flags'),
];

const out = {
  about:
    'Extra indicium v1 vectors (DESIGN §5) made by scripts/generate-indicium-extra-vectors.mjs with an independent encoder. valid: as indicium-v1.json. invalidBytes: hex that parseIndicium must refuse with code and field. invalidFields: fields that encodeIndiciumSignedPart must refuse with code and field.',
  publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
  valid,
  invalidBytes,
  invalidFields,
};
writeFileSync(
  new URL('../test-data/indicium-v1-extra.json', import.meta.url),
  `${JSON.stringify(out, null, 2)}\n`,
);
