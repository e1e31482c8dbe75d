import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMeterCertificate } from './meter-certificate.js';
import { makeCa, makeLeaf, type TestCa, type TestLeaf } from './test-pki.fixture.js';

const METER = '00042-00001-0000001001';
let dir: string;
let postal: TestCa;
let other: TestCa;
let meter: TestLeaf;
let foreign: TestLeaf;
let caAsLeaf: TestLeaf;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'companion-pki-'));
  [postal, other] = await Promise.all([makeCa(dir, 'postal'), makeCa(dir, 'other')]);
  [meter, foreign, caAsLeaf] = await Promise.all([
    makeLeaf(dir, postal, { name: 'meter', cn: METER, serial: 4242 }),
    makeLeaf(dir, other, { name: 'foreign', cn: METER, serial: 4242 }),
    makeLeaf(dir, postal, { name: 'sub-ca', cn: METER, serial: 4242, ca: true }),
  ]);
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('verifyMeterCertificate (DESIGN §5: meter certificate chained to the pinned postal CA)', () => {
  const now = () => new Date();

  it('returns the P-256 key of a certificate the pinned CA issued for this meter and serial', () => {
    const key = verifyMeterCertificate(meter.pem, postal.pem, { serial: 4242, meterId: METER, at: now() });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('refuses a certificate from another CA, even with the same name and serial', () => {
    const error = refusal(() =>
      verifyMeterCertificate(foreign.pem, postal.pem, { serial: 4242, meterId: METER, at: now() }),
    );
    expect(error).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'certificate' });
    expect(error.details?.reason).toBe('issuer');
  });

  it('refuses a certificate whose signature bytes were altered', () => {
    const der = Buffer.from(meter.der);
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    const error = refusal(() =>
      verifyMeterCertificate(pem, postal.pem, { serial: 4242, meterId: METER, at: now() }),
    );
    expect(error.code).toBe('CERTIFICATE_INVALID');
    expect(['signature', 'malformed']).toContain(error.details?.reason);
  });

  it('refuses another serial, another meter, a CA certificate, and a time outside validity', () => {
    expect(
      refusal(() =>
        verifyMeterCertificate(meter.pem, postal.pem, { serial: 4243, meterId: METER, at: now() }),
      ),
    ).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'certificateSerial' });
    expect(
      refusal(() =>
        verifyMeterCertificate(meter.pem, postal.pem, {
          serial: 4242,
          meterId: '00042-00001-0000001002',
          at: now(),
        }),
      ),
    ).toMatchObject({ code: 'CERTIFICATE_INVALID', field: 'deviceId' });
    expect(
      refusal(() =>
        verifyMeterCertificate(caAsLeaf.pem, postal.pem, { serial: 4242, meterId: METER, at: now() }),
      ).details?.reason,
    ).toBe('is-a-ca');
    const later = new Date(Date.now() + 10 * 86_400_000);
    expect(
      refusal(() =>
        verifyMeterCertificate(meter.pem, postal.pem, { serial: 4242, meterId: METER, at: later }),
      ).details?.reason,
    ).toBe('expired');
  });

  it('refuses garbage and a pinned "CA" that is not a CA', () => {
    expect(
      refusal(() =>
        verifyMeterCertificate('not a pem', postal.pem, { serial: 4242, meterId: METER, at: now() }),
      ).details?.reason,
    ).toBe('malformed');
    expect(
      refusal(() => verifyMeterCertificate(meter.pem, meter.pem, { serial: 4242, meterId: METER, at: now() }))
        .details?.reason,
    ).toBe('ca-malformed');
  });
});
