import { IndiciumError } from '@indicium/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  leasedMeter,
  ModuleTable,
  type PsdHost,
  singleModule,
  type TestMeter,
} from '../../test/psd-harness.js';
import type { MeterClient } from './client/meter-client.js';
import { readPackageHeader } from './read-package-header.js';

/** The host's header reader (DESIGN §3.4 rollover sweep): reads, never verifies. */
let meter: TestMeter;
let host: PsdHost;
let client: MeterClient;
let bytes: Buffer;

beforeAll(async () => {
  const single = await singleModule();
  host = single.host;
  ({ meter, client } = await leasedMeter(host, new ModuleTable(), single.card, 1_000));
  bytes = Buffer.from(meter.package, 'base64');
});

function refusal(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (error instanceof IndiciumError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('not refused');
}

describe('readPackageHeader', () => {
  it('reads meter id, package version, MKS version and state of a sealed package', () => {
    const header = readPackageHeader(bytes);
    expect(header).toEqual({
      meterId: meter.meterId,
      packageVersion: expect.any(Number),
      mksVersion: 1,
      state: 'leased',
    });
    expect(header.packageVersion).toBeGreaterThan(1);
  });

  it('follows the package: one more command, one more version, same MKS', async () => {
    const before = readPackageHeader(Buffer.from(meter.package, 'base64'));
    await meter.print(host, client, 100);
    const after = readPackageHeader(Buffer.from(meter.package, 'base64'));
    expect(after).toEqual({ ...before, packageVersion: before.packageVersion + 1 });
  });

  it('does not verify: a package with a flipped body byte still reads (the module refuses it)', () => {
    const tampered = Buffer.from(bytes);
    const at = tampered.length - 40;
    tampered[at] = (tampered[at] as number) ^ 0xff;
    expect(readPackageHeader(tampered).meterId).toBe(meter.meterId);
  });

  it('refuses a truncated package with PACKAGE_INTEGRITY on the package field', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (length) => {
        expect(refusal(() => readPackageHeader(bytes.subarray(0, length)))).toEqual({
          code: 'PACKAGE_INTEGRITY',
          field: 'package',
        });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses garbled bytes: wrong magic, wrong header length, random bytes', () => {
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 0x00;
    const wrongHeaderLength = Buffer.from(bytes);
    wrongHeaderLength.writeUInt16BE(wrongHeaderLength.readUInt16BE(4) - 1, 4);
    for (const garbled of [wrongMagic, wrongHeaderLength, Buffer.alloc(200, 0x5a)]) {
      expect(refusal(() => readPackageHeader(garbled))).toEqual({
        code: 'PACKAGE_INTEGRITY',
        field: 'package',
      });
    }
  });
});
