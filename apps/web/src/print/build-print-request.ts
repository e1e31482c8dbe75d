import { IndiciumError, PAGE_CALLS, type PageCallRequest } from '@indicium/protocol';
import { quotePostage } from '../rates/quote-postage.js';
import type { RateTable } from '../rates/sample-rates-2026.js';

/** The print form as typed (every value text, as the inputs hold it). */
export interface PrintForm {
  readonly meterId: string;
  readonly userId: string;
  readonly fromAddress: string;
  readonly originZip: string;
  readonly toAddress: string;
  readonly destinationZip: string;
  readonly classId: string;
  readonly ounces: string;
  readonly mailingDate: string;
  readonly medium: string;
  /** '' for the companion's default printer. */
  readonly printerId: string;
}

/** Address lines as the page API carries them: non-empty lines, trimmed, at most 6. */
export function addressLines(text: string, field: string): string[] | null {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return null;
  if (lines.length > 6 || lines.some((line) => line.length > 64)) {
    throw new IndiciumError('INVALID_INPUT', {
      field,
      detail: 'An address has at most 6 lines of 64 characters.',
    });
  }
  return lines;
}

/**
 * Turns the print form into the `print` page call (DESIGN §4.3, §8): the price and rate category
 * come from the rate table, never from a typed amount; the request is then checked against the
 * protocol's own schema so that a refusal names the form field before anything is sent.
 */
export function buildPrintRequest(form: PrintForm, table: RateTable): PageCallRequest<'print'> {
  const quote = quotePostage(table, {
    classId: form.classId,
    ounces: Number(form.ounces),
    medium: form.medium,
    mailingDate: form.mailingDate,
  });
  const request = {
    meterId: form.meterId,
    userId: form.userId,
    transaction: {
      kind: 'postage',
      postageMills: quote.postageMills,
      mailingDate: form.mailingDate,
      rateCategory: quote.rateCategory,
      originZip: form.originZip.trim(),
      destinationZip: form.destinationZip.trim() === '' ? null : form.destinationZip.trim(),
    },
    medium: form.medium,
    printerId: form.printerId === '' ? null : form.printerId,
    sender: addressLines(form.fromAddress, 'fromAddress'),
    recipient: addressLines(form.toAddress, 'toAddress'),
  };
  const checked = PAGE_CALLS.print.request.safeParse(request);
  if (!checked.success) {
    const path = checked.error.issues[0]?.path ?? [];
    throw new IndiciumError('INVALID_INPUT', {
      field: FORM_FIELDS[String(path.at(-1))] ?? String(path.join('.')),
    });
  }
  return checked.data;
}

/** Protocol field → the form field that holds it, so the page can point at the input. */
const FORM_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  originZip: 'originZip',
  destinationZip: 'destinationZip',
  meterId: 'meterId',
  userId: 'userId',
  medium: 'medium',
  printerId: 'printerId',
});
