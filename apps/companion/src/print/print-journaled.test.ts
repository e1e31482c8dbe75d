import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanionConfig, emptyConfig } from '../config/companion-config.js';
import { Journal } from '../journal/journal.js';
import { rasterizePdf, scanDataMatrix } from '../render/print-tools.fixture.js';
import { makeTestIndicium } from '../render/test-indicium.fixture.js';
import { ensureCupsPdfQueue, listPdfs, PDF_QUEUE, REJECTING_QUEUE, waitForNewPdf } from './cups.fixture.js';
import { readCupsState } from './cups-queues.js';
import { printJournaled } from './print-journaled.js';
import { listPrinters } from './printer-registry.js';

let root: string;
let outputDir: string;
let qaDir: string;
let config: CompanionConfig;
let journal: Journal;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-print-'));
  qaDir = join(root, 'qa');
  await import('node:fs/promises').then((fs) => fs.mkdir(qaDir));
  ({ outputDir } = await ensureCupsPdfQueue());
  config = { ...emptyConfig(), printFolders: { qa: qaDir, gone: join(root, 'missing') } };
  journal = await Journal.open({ file: join(root, 'journal.jsonl'), lockFile: join(root, 'journal.lock') });
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

async function issued(): Promise<{ indiciumId: string; indicium: Uint8Array }> {
  const indicium = makeTestIndicium();
  const entry = await journal.recordIssued({
    meterId: '00042-00001-0000001001',
    userId: 'ada',
    requestMac: new Uint8Array(32),
    indicium,
    medium: 'label-4x6',
  });
  return { indiciumId: entry.indiciumId, indicium };
}

async function expectCode(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  expect((error as IndiciumError).code).toBe(code);
  if (field !== undefined) expect((error as IndiciumError).field).toBe(field);
}

describe('printing through CUPS (DESIGN §7)', { timeout: 60_000 }, () => {
  it('lists the queues from lpstat, and the configured folders', async () => {
    const state = await readCupsState();
    expect(state.scheduler).toBe('running');
    expect(state.queues).toContain(PDF_QUEUE);
    const printers = await listPrinters(config);
    expect(printers).toContainEqual(
      expect.objectContaining({ printerId: `cups:${PDF_QUEUE}`, name: PDF_QUEUE }),
    );
    expect(printers).toContainEqual({ printerId: 'folder:qa', name: `Folder ${qaDir}`, isDefault: false });
  });

  it('prints a real job through a cups-pdf queue; the PDF out of the queue still decodes to the exact bytes', {
    timeout: 60_000,
  }, async () => {
    const { indiciumId, indicium } = await issued();
    const before = await listPdfs(outputDir);
    const stages: string[] = [];
    const { entry, result } = await printJournaled(
      { journal, config },
      { indiciumId, medium: 'label-4x6', printerId: `cups:${PDF_QUEUE}`, reprint: false },
      (stage) => stages.push(stage),
    );
    expect(stages).toEqual(['rendering', 'printing']);
    expect(result.jobId).toMatch(new RegExp(`^${PDF_QUEUE}-\\d+$`));
    expect(entry.printedAt).not.toBeNull();
    const out = await waitForNewPdf(outputDir, before, `indicium-${indiciumId}`);
    const scanned = await scanDataMatrix(await rasterizePdf(out, 300));
    expect(Buffer.from(scanned).equals(Buffer.from(indicium))).toBe(true);
    // Printed once: never again, on any printer.
    await expectCode(
      printJournaled(
        { journal, config },
        { indiciumId, medium: 'label-4x6', printerId: 'folder:qa', reprint: true },
      ),
      'ALREADY_PRINTED',
      'indiciumId',
    );
  });

  it('a queue that refuses the job is PRINTER_FAILED; the attempt is journaled and one reprint is allowed', {
    timeout: 60_000,
  }, async () => {
    const { indiciumId, indicium } = await issued();
    await expectCode(
      printJournaled(
        { journal, config },
        { indiciumId, medium: 'letter', printerId: `cups:${REJECTING_QUEUE}`, reprint: false },
      ),
      'PRINTER_FAILED',
      'printerId',
    );
    const failed = await journal.entry(indiciumId);
    expect(failed).toMatchObject({ attempts: 1, printedAt: null, lastError: 'PRINTER_FAILED' });
    const { result } = await printJournaled(
      { journal, config },
      { indiciumId, medium: 'letter', printerId: 'folder:qa', reprint: true },
    );
    expect(result.jobId).toBe(join(qaDir, `indicium-${indiciumId}-reprint.pdf`));
    const { readFile } = await import('node:fs/promises');
    const scanned = await scanDataMatrix(
      await rasterizePdf(new Uint8Array(await readFile(result.jobId)), 300),
    );
    expect(Buffer.from(scanned).equals(Buffer.from(indicium))).toBe(true);
  });

  it('an unknown queue or folder is PRINTER_NOT_FOUND and costs no attempt', async () => {
    const { indiciumId } = await issued();
    for (const printerId of ['cups:NoSuchQueue', 'cups:-oops', 'folder:nope', 'lpt1', 'folder:gone']) {
      await expectCode(
        printJournaled({ journal, config }, { indiciumId, medium: 'letter', printerId, reprint: false }),
        'PRINTER_NOT_FOUND',
        'printerId',
      );
    }
    // Nothing was sent, so the indicium's first print is still to come.
    expect((await journal.entry(indiciumId))?.attempts).toBe(0);
  });

  it('with no printer named and no default, PRINTER_NOT_FOUND', async () => {
    const { indiciumId } = await issued();
    await expectCode(
      printJournaled({ journal, config }, { indiciumId, medium: 'letter', printerId: null, reprint: false }),
      'PRINTER_NOT_FOUND',
      'printerId',
    );
    const withDefault = { ...config, defaultPrinter: 'folder:qa' };
    const { result } = await printJournaled(
      { journal, config: withDefault },
      { indiciumId, medium: 'envelope-10', printerId: null, reprint: false },
    );
    expect(result.printerId).toBe('folder:qa');
    expect(await readdir(qaDir)).toContain(`indicium-${indiciumId}.pdf`);
  });

  it('an id the journal does not hold is INVALID_INPUT', async () => {
    await expectCode(
      printJournaled(
        { journal, config },
        { indiciumId: 'AAAAAAAAAAAAAAAAAAAAAA', medium: 'letter', printerId: 'folder:qa', reprint: true },
      ),
      'INVALID_INPUT',
      'indiciumId',
    );
  });
});
