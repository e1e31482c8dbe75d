import { createPublicKey, verify } from 'node:crypto';
import { IndiciumError, parseIndicium } from '@indicium/protocol';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { dataMatrixPng } from './data-matrix-png.js';
import { INVALID_VECTORS, VALID_VECTORS, VECTOR_PUBLIC_KEY_PEM } from './indicium-vectors.fixture.js';
import { pngSize, scanCodewords, scanDataMatrix } from './print-tools.fixture.js';
import { makeTestIndicium, verifiesWithMeterKey } from './test-indicium.fixture.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function refusal(run: () => Promise<unknown>): Promise<IndiciumError> {
  const error = await run().then(
    () => new Error('accepted'),
    (thrown: unknown) => thrown,
  );
  if (error instanceof IndiciumError) return error;
  throw error;
}

describe('dataMatrixPng', () => {
  it('scans (dmtxread) to exactly the indicium bytes, which still verify', async () => {
    const indicium = makeTestIndicium();
    const scanned = await scanDataMatrix(await dataMatrixPng(indicium));
    expect(hex(scanned)).toBe(hex(indicium));
    expect(verifiesWithMeterKey(scanned)).toBe(true);
  });

  it('encodes the bytes in Base256 (DESIGN §5), after at most one leading ASCII codeword', async () => {
    const codewords = await scanCodewords(await dataMatrixPng(makeTestIndicium()));
    // 231 latches to Base256; byte 0x01 (the version) may go first as ASCII codeword 2.
    expect(codewords.indexOf(231)).toBeGreaterThanOrEqual(0);
    expect(codewords.indexOf(231)).toBeLessThanOrEqual(1);
  });

  it.each(VALID_VECTORS)('scans the protocol vector "$name" back to its bytes', async ({ bytes }) => {
    const scanned = await scanDataMatrix(await dataMatrixPng(bytes));
    expect(hex(scanned)).toBe(hex(bytes));
    const { signedPart, signature } = parseIndicium(scanned);
    const key = createPublicKey(VECTOR_PUBLIC_KEY_PEM);
    expect(verify('sha256', signedPart, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('has an opaque white background and quiet zone, at whole pixels per module', async () => {
    const png = await dataMatrixPng(makeTestIndicium(), { pixelsPerModule: 4, quietZoneModules: 2 });
    expect(pngSize(png)).toEqual({ width: (44 + 4) * 4, height: (44 + 4) * 4 });
    const image = await loadImage(Buffer.from(png));
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    expect([...ctx.getImageData(0, 0, 1, 1).data]).toEqual([255, 255, 255, 255]);
    // First dark module: the finder's top-left, just inside the quiet zone.
    expect([...ctx.getImageData(8, 8, 1, 1).data]).toEqual([0, 0, 0, 255]);
  });

  it.each(INVALID_VECTORS)('refuses the malformed vector "$name"', async ({ bytes, field }) => {
    const error = await refusal(() => dataMatrixPng(bytes));
    expect(error.code).toBe('INDICIUM_MALFORMED');
    expect(error.field).toBe(field);
  });

  it.each([
    [{ pixelsPerModule: 0 }, 'pixelsPerModule'],
    [{ pixelsPerModule: 2.5 }, 'pixelsPerModule'],
    [{ pixelsPerModule: 5 }, 'pixelsPerModule'],
    [{ quietZoneModules: -1 }, 'quietZoneModules'],
  ])('refuses size options %j', async (options, field) => {
    const error = await refusal(() => dataMatrixPng(makeTestIndicium(), options));
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.field).toBe(field);
  });
});
