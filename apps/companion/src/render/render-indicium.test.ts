import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import type { Address } from './address-schema.js';
import { SAMPLE_TEXT } from './indicium-text.js';
import { MEDIUM_IDS, mediumSpec } from './media-table.js';
import { pdfInfo, pdfText, pngSize, rasterizePdf, scanDataMatrix } from './print-tools.fixture.js';
import { type RenderRequest, renderIndicium } from './render-indicium.js';
import { makeTestIndicium, verifiesWithMeterKey } from './test-indicium.fixture.js';
import { cp1252Text, dataMatrixBytes, readZplFields } from './zpl-reader.fixture.js';

const FROM: Address = {
  name: 'Ada Lovelace',
  lines: ['12 Main St'],
  city: 'Boston',
  state: 'MA',
  zip: '02139',
};
const TO: Address = {
  name: 'Grace Hopper',
  lines: ['1 Navy Yard Rd'],
  city: 'Arlington',
  state: 'VA',
  zip: '22202',
};
const indicium = makeTestIndicium();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** The text fields of a ZPL label (set in font 0), decoded as the printer reads them. */
const zplTexts = (zpl: string) =>
  readZplFields(zpl)
    .filter((field) => field.commands.some((command) => command.startsWith('A0')))
    .map((field) => cp1252Text(field.data));

async function refusal(request: unknown): Promise<IndiciumError> {
  const error = await renderIndicium(request as RenderRequest).then(
    () => new Error('renderIndicium accepted the request'),
    (thrown: unknown) => thrown,
  );
  if (error instanceof IndiciumError) return error;
  throw error;
}

describe.each(MEDIUM_IDS)('PDF on %s', (medium) => {
  const pdf = renderIndicium({ indicium, medium, format: 'pdf', from: FROM, to: TO });

  it('is one page of exactly the medium’s size', async () => {
    const spec = mediumSpec(medium);
    expect(await pdfInfo(await pdf)).toEqual({ pages: 1, widthPt: spec.widthPt, heightPt: spec.heightPt });
  });

  it('carries the SAMPLE warning, the postage and the addresses as text', async () => {
    const text = await pdfText(await pdf);
    expect(text).toContain(SAMPLE_TEXT);
    expect(text).toContain('$0.73');
    expect(text).toContain('00042-00001-0000001001');
    expect(text).toContain('Grace Hopper');
    expect(text).toContain('Boston MA 02139');
  });

  it('scans, printed at 300 dpi, to exactly the indicium bytes, which still verify', async () => {
    const page = await rasterizePdf(await pdf, 300);
    const scanned = await scanDataMatrix(page);
    expect(hex(scanned)).toBe(hex(indicium));
    expect(verifiesWithMeterKey(scanned)).toBe(true);
  });
});

describe.each(MEDIUM_IDS)('PNG preview on %s', (medium) => {
  it('has the medium’s aspect ratio at 150 dpi and scans to the indicium', async () => {
    const png = await renderIndicium({ indicium, medium, format: 'png', from: FROM, to: TO });
    const spec = mediumSpec(medium);
    const size = pngSize(png);
    expect(size).toEqual({
      width: Math.round((spec.widthPt * 150) / 72),
      height: Math.round((spec.heightPt * 150) / 72),
    });
    expect(size.width / size.height).toBeCloseTo(spec.widthPt / spec.heightPt, 2);
    expect(hex(await scanDataMatrix(png))).toBe(hex(indicium));
  });
});

describe('ZPL for the 4 × 6 label', () => {
  const render = (bytes: Uint8Array, to: Address = TO) =>
    renderIndicium({ indicium: bytes, medium: 'label-4x6', format: 'zpl', from: FROM, to }).then((zpl) =>
      new TextDecoder('latin1').decode(zpl),
    );

  it('is one ^XA…^XZ label, 4 × 6 in at 203 dpi, in printable ASCII', async () => {
    const zpl = await render(indicium);
    expect(zpl.startsWith('^XA\n')).toBe(true);
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true);
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(zpl).toContain('^PW812');
    expect(zpl).toContain('^LL1218');
    expect(zpl).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('holds a ^BX ECC 200 field whose ^FH-decoded data is exactly the indicium', async () => {
    const fields = readZplFields(await render(indicium));
    const symbols = fields.filter((field) => field.commands.some((command) => command.startsWith('BX')));
    expect(symbols).toHaveLength(1);
    const [symbol] = symbols;
    if (symbol === undefined) throw new Error('no ^BX field');
    expect(symbol.commands.find((command) => command.startsWith('BX'))).toMatch(/^BXN,5,200,44,44,,.$/);
    expect(hex(symbol.data)).toBe(hex(indicium));
    expect(hex(dataMatrixBytes(symbol))).toBe(hex(indicium));
    expect(verifiesWithMeterKey(dataMatrixBytes(symbol))).toBe(true);
  });

  it('prints the SAMPLE line (code page 1252) while the flag is set, and not otherwise', async () => {
    const textOf = async (bytes: Uint8Array) => zplTexts(await render(bytes));
    expect(await textOf(indicium)).toContain(SAMPLE_TEXT);
    const plain = await textOf(makeTestIndicium({ sample: false }));
    expect(plain.some((text) => text.includes('SAMPLE'))).toBe(false);
    expect(plain).toContain('$0.73');
  });

  it('cannot be broken out of by an address', async () => {
    const zpl = await render(indicium, { ...TO, name: 'Evil ^XZ^XA~JR' });
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(zpl).not.toContain('~JR');
    expect(zplTexts(zpl)).toContain('Evil ^XZ^XA~JR');
  });

  it.each(['envelope-10', 'letter'] as const)('is refused for %s', async (medium) => {
    const error = await refusal({ indicium, medium, format: 'zpl' });
    expect(error).toMatchObject({ code: 'MEDIUM_UNSUPPORTED', field: 'medium' });
  });
});

describe('renderIndicium', () => {
  it('prints the SAMPLE warning by default and omits it only for a non-sample indicium', async () => {
    expect(await pdfText(await renderIndicium({ indicium, medium: 'envelope-10', format: 'pdf' }))).toContain(
      SAMPLE_TEXT,
    );
    const plain = makeTestIndicium({ sample: false });
    const pdf = await renderIndicium({ indicium: plain, medium: 'envelope-10', format: 'pdf' });
    const text = await pdfText(pdf);
    expect(text).not.toContain('SAMPLE');
    expect(text).toContain('$0.73');
    expect(hex(await scanDataMatrix(await rasterizePdf(pdf, 300)))).toBe(hex(plain));
  });

  it('names a refund on the piece', async () => {
    const refund = makeTestIndicium({ kind: 'refund' });
    expect(
      await pdfText(await renderIndicium({ indicium: refund, medium: 'label-4x6', format: 'pdf' })),
    ).toContain('REFUND');
  });

  it('prints tampered bytes faithfully, and the scan then fails verification', async () => {
    const tampered = Uint8Array.from(indicium);
    tampered[20] = (tampered[20] ?? 0) ^ 0x01;
    const png = await renderIndicium({ indicium: tampered, medium: 'label-4x6', format: 'png' });
    const scanned = await scanDataMatrix(png);
    expect(hex(scanned)).toBe(hex(tampered));
    expect(verifiesWithMeterKey(scanned)).toBe(false);
  });

  it.each([
    ['one byte short', indicium.slice(0, 113), 'length'],
    ['one byte long', Uint8Array.of(...indicium, 0), 'length'],
    ['empty', new Uint8Array(0), 'length'],
    ['unknown version', Uint8Array.of(2, ...indicium.slice(1)), 'version'],
    ['unknown kind', Uint8Array.of(...indicium.slice(0, 48), 9, ...indicium.slice(49)), 'kind'],
  ])('refuses a malformed indicium (%s)', async (_, bytes, field) => {
    for (const format of ['pdf', 'png', 'zpl'] as const) {
      const error = await refusal({ indicium: bytes, medium: 'label-4x6', format });
      expect(error).toMatchObject({ code: 'INDICIUM_MALFORMED', field });
    }
  });

  it('refuses an indicium that is not bytes', async () => {
    const error = await refusal({
      indicium: Buffer.from(indicium).toString('hex'),
      medium: 'letter',
      format: 'pdf',
    });
    expect(error).toMatchObject({ code: 'INDICIUM_MALFORMED', field: 'indicium' });
  });

  it.each([
    [{ medium: 'a4' }, 'MEDIUM_UNSUPPORTED', 'medium'],
    [{ medium: 42 }, 'MEDIUM_UNSUPPORTED', 'medium'],
    [{ format: 'svg' }, 'MALFORMED_REQUEST', 'format'],
    [{ to: { ...TO, zip: '2220' } }, 'MALFORMED_REQUEST', 'to.zip'],
    [{ from: { ...FROM, lines: [] } }, 'MALFORMED_REQUEST', 'from.lines'],
    [{ to: { ...TO, name: 'Line\nbreak' } }, 'MALFORMED_REQUEST', 'to.name'],
    [{ to: { ...TO, state: 'Virginia' } }, 'MALFORMED_REQUEST', 'to.state'],
    [{ copies: 2 }, 'MALFORMED_REQUEST', 'request'],
  ])('refuses %j', async (change, code, field) => {
    const error = await refusal({ indicium, medium: 'label-4x6', format: 'pdf', ...change });
    expect(error).toMatchObject({ code, field });
  });
});
