import { generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  attachIndiciumSignature,
  encodeIndiciumSignedPart,
  type IndiciumFields,
  parseIndicium,
} from '@indicium/protocol';

/** One meter key per test run: a real ECDSA P-256 key, as a module's indicium key (DESIGN §2). */
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A typical first-class letter. `sample: true`: the default path always makes SAMPLE indicia. */
export const TEST_FIELDS: IndiciumFields = Object.freeze({
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
});

/** A real signed indicium, as the module would make it. */
export function makeTestIndicium(overrides: Partial<IndiciumFields> = {}): Uint8Array {
  const signedPart = encodeIndiciumSignedPart({ ...TEST_FIELDS, ...overrides });
  const signature = sign('sha256', signedPart, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return attachIndiciumSignature(signedPart, signature);
}

/** Whether scanned bytes still verify under the meter key. */
export function verifiesWithMeterKey(bytes: Uint8Array): boolean {
  const { signedPart, signature } = parseIndicium(bytes);
  return verify('sha256', signedPart, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}
