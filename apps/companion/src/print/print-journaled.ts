import { IndiciumError, type ProgressStage } from '@indicium/protocol';
import type { CompanionConfig } from '../config/companion-config.js';
import type { Journal } from '../journal/journal.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import type { Address } from '../render/address-schema.js';
import type { MediumId } from '../render/media-table.js';
import { renderIndicium } from '../render/render-indicium.js';
import { checkPrinter, type PrintResult, resolvePrinterId, sendToPrinter } from './printer-registry.js';

export interface PrintRequest {
  readonly indiciumId: string;
  readonly medium: MediumId;
  /** null: the install's default printer, else CUPS's default. */
  readonly printerId: string | null;
  /** true for the one reprint of an indicium issued but not printed (DESIGN §7). */
  readonly reprint: boolean;
  readonly from?: Address | undefined;
  readonly to?: Address | undefined;
}

/**
 * Prints a journaled indicium (DESIGN §7): the printer is checked and the PDF rendered first, so a
 * missing printer or a render failure costs no attempt; then the attempt is claimed in the journal
 * (synced, ALREADY_PRINTED if it may not print), then the job goes to the printer and its outcome is
 * journaled. The issue and print flows and `reprint` all go through here.
 */
export async function printJournaled(
  deps: { readonly journal: Journal; readonly config: CompanionConfig },
  request: PrintRequest,
  progress: (stage: ProgressStage) => void = () => undefined,
): Promise<{ entry: JournalEntry; result: PrintResult }> {
  const entry = await deps.journal.entry(request.indiciumId);
  if (entry === undefined)
    throw new IndiciumError('INVALID_INPUT', {
      field: 'indiciumId',
      detail: 'no such indicium in the journal',
    });
  if (entry.printedAt !== null) throw new IndiciumError('ALREADY_PRINTED', { field: 'indiciumId' });
  const printerId = await resolvePrinterId(deps.config, request.printerId);
  await checkPrinter(deps.config, printerId);
  progress('rendering');
  const pdf = await render(entry, request);
  await deps.journal.startPrint(entry.indiciumId, { printerId, reprint: request.reprint });
  progress('printing');
  const stem = `indicium-${entry.indiciumId}${request.reprint ? '-reprint' : ''}`;
  let result: PrintResult;
  try {
    result = await sendToPrinter(deps.config, printerId, { pdf, title: stem, fileName: `${stem}.pdf` });
  } catch (error) {
    const code = error instanceof IndiciumError ? error.code : 'PRINTER_FAILED';
    await deps.journal.finishPrint(entry.indiciumId, { ok: false, code });
    throw error instanceof IndiciumError ? error : new IndiciumError('PRINTER_FAILED', { cause: error });
  }
  const done = await deps.journal.finishPrint(entry.indiciumId, {
    ok: true,
    printerId,
    jobId: result.jobId.slice(0, 256),
  });
  return { entry: done, result };
}

async function render(entry: JournalEntry, request: PrintRequest): Promise<Uint8Array> {
  try {
    return await renderIndicium({
      indicium: entry.indicium,
      medium: request.medium,
      format: 'pdf',
      from: request.from,
      to: request.to,
    });
  } catch (error) {
    if (error instanceof IndiciumError) throw error;
    throw new IndiciumError('RENDER_FAILED', { cause: error });
  }
}
