import { generateKeyPairSync, verify } from 'node:crypto';
import {
  attachIndiciumSignature,
  encodeIndiciumSignedPart,
  INDICIUM_SIGNED_LENGTH,
  MAX_ASCENDING_REGISTER_MILLS,
  MAX_CERTIFICATE_SERIAL,
  MAX_DESCENDING_REGISTER_MILLS,
  MAX_PIECE_COUNT,
  MAX_POSTAGE_MILLS,
  MAX_PSD_MODEL,
  MAX_PSD_SERIAL,
  MAX_VENDOR_ID,
  parseDeviceId,
} from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IndiciumPackageFields, PSD_SOFTWARE_ID, signIndicium } from './sign-indicium.js';

/** signIndicium joins the signed part and r‖s itself; the protocol's attach (which parses) is the reference. */
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = { signingKey: privateKey };
const NOW = Date.parse('2026-11-27T12:00:00Z');

const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
const meterId = fc
  .tuple(digits(5, MAX_VENDOR_ID), digits(5, MAX_PSD_MODEL), digits(10, MAX_PSD_SERIAL))
  .map((parts) => parts.join('-'));
const zip = fc.integer({ min: 1, max: 99_999 }).map((v) => String(v).padStart(5, '0'));

const packages: fc.Arbitrary<IndiciumPackageFields> = fc.record({
  meterId,
  certificateSerial: fc.integer({ min: 1, max: MAX_CERTIFICATE_SERIAL }),
  licensingZip: zip,
  keyExpiresAt: fc.constantFrom(null, NOW + 1),
  ascendingRegister: fc.integer({ min: 0, max: MAX_ASCENDING_REGISTER_MILLS }),
  descendingRegister: fc.integer({ min: 0, max: MAX_DESCENDING_REGISTER_MILLS }),
  pieceCount: fc.integer({ min: 0, max: MAX_PIECE_COUNT }),
});
const transactions = fc.record({
  kind: fc.constantFrom('postage', 'correction', 'refund') as fc.Arbitrary<
    'postage' | 'correction' | 'refund'
  >,
  postageMills: fc.integer({ min: 0, max: MAX_POSTAGE_MILLS }),
  mailingDate: fc.constantFrom('2026-11-27', '2027-02-28', '2028-02-29'),
  rateCategory: fc.constantFrom('FCLT', 'PRIO', 'RFND', 'A1B2'),
  destinationZip: fc.option(zip, { nil: null }),
});

describe('signIndicium (DESIGN §5)', () => {
  it('is what attachIndiciumSignature makes of the encoder’s signed part, and verifies with node:crypto', () => {
    fc.assert(
      fc.property(packages, transactions, (pkg, tx) => {
        const indicium = signIndicium(pkg, keys, tx, NOW);
        const signedPart = indicium.subarray(0, INDICIUM_SIGNED_LENGTH);
        const device = parseDeviceId(pkg.meterId);
        expect(signedPart).toEqual(
          encodeIndiciumSignedPart({
            version: 1,
            algorithm: 1,
            certificateSerial: pkg.certificateSerial as number,
            ...device,
            ascendingRegisterMills: pkg.ascendingRegister,
            postageMills: tx.postageMills,
            mailingDate: tx.mailingDate,
            originZip: pkg.licensingZip as string,
            softwareId: PSD_SOFTWARE_ID,
            descendingRegisterMills: pkg.descendingRegister,
            rateCategory: tx.rateCategory,
            destinationZip: tx.destinationZip,
            pieceCount: pkg.pieceCount,
            kind: tx.kind,
            sample: true,
          }),
        );
        const signature = indicium.subarray(INDICIUM_SIGNED_LENGTH);
        expect(attachIndiciumSignature(signedPart, signature)).toEqual(indicium);
        expect(verify('sha256', signedPart, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(
          true,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what the encoder refuses, and an uncertified or expired key', () => {
    const pkg: IndiciumPackageFields = {
      meterId: '00042-00001-0000001001',
      certificateSerial: 7,
      licensingZip: '94107',
      keyExpiresAt: null,
      ascendingRegister: 0,
      descendingRegister: 100,
      pieceCount: 1,
    };
    const tx = {
      kind: 'postage' as const,
      postageMills: 10,
      mailingDate: '2026-11-27',
      rateCategory: 'FCLT',
      destinationZip: null,
    };
    expect(() => signIndicium(pkg, keys, { ...tx, rateCategory: 'fclt' }, NOW)).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'rateCategory' }),
    );
    expect(() => signIndicium({ ...pkg, meterId: '42-1-1001' }, keys, tx, NOW)).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'deviceId' }),
    );
    expect(() => signIndicium({ ...pkg, certificateSerial: null }, keys, tx, NOW)).toThrow(
      expect.objectContaining({ code: 'WRONG_STATE', field: 'package' }),
    );
    expect(() => signIndicium({ ...pkg, keyExpiresAt: NOW - 1 }, keys, tx, NOW)).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_INVALID', field: 'certificate' }),
    );
  });
});
