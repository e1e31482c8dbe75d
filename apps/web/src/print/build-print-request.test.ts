import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { SAMPLE_RATES_2026 } from '../rates/sample-rates-2026.js';
import { addressLines, buildPrintRequest, type PrintForm } from './build-print-request.js';

const form: PrintForm = {
  meterId: '00042-00001-0000001001',
  userId: 'alice',
  fromAddress: 'Alice Sender\n1 Main St\n\nSpringfield IL 62701',
  originZip: '62701',
  toAddress: '  Bob Receiver \n2 Elm St\nBoston MA 02108-1234',
  destinationZip: '02108-1234',
  classId: 'first-class-letter',
  ounces: '1',
  mailingDate: '2026-03-02',
  medium: 'envelope-10',
  printerId: '',
};

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('buildPrintRequest (DESIGN §8: price from the rate table)', () => {
  it('builds the page call with the table price, trimmed address lines and the default printer', () => {
    expect(buildPrintRequest(form, SAMPLE_RATES_2026)).toEqual({
      meterId: form.meterId,
      userId: 'alice',
      transaction: {
        kind: 'postage',
        postageMills: 740,
        mailingDate: '2026-03-02',
        rateCategory: 'FCLT',
        originZip: '62701',
        destinationZip: '02108-1234',
      },
      medium: 'envelope-10',
      printerId: null,
      sender: ['Alice Sender', '1 Main St', 'Springfield IL 62701'],
      recipient: ['Bob Receiver', '2 Elm St', 'Boston MA 02108-1234'],
    });
  });

  it('leaves out what is not given: no destination ZIP, no addresses; names a printer when chosen', () => {
    const request = buildPrintRequest(
      { ...form, destinationZip: ' ', fromAddress: '', toAddress: '\n', printerId: 'folder:qa' },
      SAMPLE_RATES_2026,
    );
    expect(request.transaction.destinationZip).toBeNull();
    expect(request.sender).toBeNull();
    expect(request.recipient).toBeNull();
    expect(request.printerId).toBe('folder:qa');
  });

  it('refuses bad input naming the form field', () => {
    expect(refusal(() => buildPrintRequest({ ...form, originZip: '6270' }, SAMPLE_RATES_2026))).toMatchObject(
      {
        code: 'INVALID_INPUT',
        field: 'originZip',
      },
    );
    expect(
      refusal(() => buildPrintRequest({ ...form, destinationZip: '00000' }, SAMPLE_RATES_2026)).field,
    ).toBe('destinationZip');
    expect(refusal(() => buildPrintRequest({ ...form, ounces: 'two' }, SAMPLE_RATES_2026)).field).toBe(
      'weight',
    );
    expect(
      refusal(() => buildPrintRequest({ ...form, mailingDate: '2026-02-30' }, SAMPLE_RATES_2026)).code,
    ).toBe('INVALID_INPUT');
    expect(refusal(() => buildPrintRequest({ ...form, userId: 'Alice!' }, SAMPLE_RATES_2026)).field).toBe(
      'userId',
    );
  });

  it('refuses an address over 6 lines or with a line over 64 characters', () => {
    expect(refusal(() => addressLines('a\nb\nc\nd\ne\nf\ng', 'toAddress'))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'toAddress',
    });
    expect(refusal(() => addressLines('x'.repeat(65), 'fromAddress')).field).toBe('fromAddress');
    expect(addressLines('x'.repeat(64), 'fromAddress')).toEqual(['x'.repeat(64)]);
  });
});
