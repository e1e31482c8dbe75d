import { stat } from 'node:fs/promises';
import { IndiciumError, type PageCallAnswer } from '@indicium/protocol';
import type { CompanionConfig } from '../config/companion-config.js';
import { printOnCups, readCupsState } from './cups-queues.js';
import { printToFolder } from './folder-printer.js';

export type PrinterInfo = PageCallAnswer<'printers'>['printers'][number];

/** A job for a printer: the rendered PDF and names for it. */
export interface PrintJob {
  readonly pdf: Uint8Array;
  /** The CUPS job title. */
  readonly title: string;
  /** The file name in a folder printer. */
  readonly fileName: string;
}

export interface PrintResult {
  readonly printerId: string;
  /** CUPS's job id, or the file written by a folder printer. */
  readonly jobId: string;
}

/**
 * Printers are named `cups:<queue>` or `folder:<name>`. A page names a folder only by the name the
 * install gave it, never by a path, so no web page can make the companion write where it chooses.
 */
export async function listPrinters(config: CompanionConfig): Promise<PrinterInfo[]> {
  const cups = await readCupsState();
  const fallback = config.defaultPrinter ?? (cups.defaultQueue === null ? null : `cups:${cups.defaultQueue}`);
  const printers = [
    ...cups.queues.map((queue) => ({ printerId: `cups:${queue}`, name: queue })),
    ...Object.entries(config.printFolders).map(([name, dir]) => ({
      printerId: `folder:${name}`,
      name: `Folder ${dir}`.slice(0, 256),
    })),
  ];
  return printers.slice(0, 64).map((p) => ({ ...p, isDefault: p.printerId === fallback }));
}

/** The printer a request means: the one it names, else the install's default, else CUPS's. */
export async function resolvePrinterId(config: CompanionConfig, requested: string | null): Promise<string> {
  if (requested !== null) return requested;
  if (config.defaultPrinter !== null) return config.defaultPrinter;
  const { defaultQueue } = await readCupsState();
  if (defaultQueue === null) {
    throw new IndiciumError('PRINTER_NOT_FOUND', {
      field: 'printerId',
      detail: 'no printer was named and there is no default printer',
    });
  }
  return `cups:${defaultQueue}`;
}

/** Checks before anything is claimed in the journal that the printer exists: PRINTER_NOT_FOUND. */
export async function checkPrinter(config: CompanionConfig, printerId: string): Promise<void> {
  const [kind, name] = splitPrinterId(printerId);
  if (kind === 'folder') {
    const dir = Object.hasOwn(config.printFolders, name) ? config.printFolders[name] : undefined;
    const info = dir === undefined ? undefined : await stat(dir).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) throw notFound(printerId);
    return;
  }
  const cups = await readCupsState();
  if (!cups.queues.includes(name)) throw notFound(printerId);
}

/** Sends the job: PRINTER_NOT_FOUND, PRINTER_FAILED. */
export async function sendToPrinter(
  config: CompanionConfig,
  printerId: string,
  job: PrintJob,
): Promise<PrintResult> {
  const [kind, name] = splitPrinterId(printerId);
  if (kind === 'folder') {
    const dir = config.printFolders[name];
    if (dir === undefined || !Object.hasOwn(config.printFolders, name)) throw notFound(printerId);
    return { printerId, jobId: await printToFolder(dir, job.fileName, job.pdf) };
  }
  return { printerId, jobId: await printOnCups(name, job.pdf, job.title) };
}

function splitPrinterId(printerId: string): ['cups' | 'folder', string] {
  const match = /^(cups|folder):(.+)$/.exec(printerId);
  if (match === null) throw notFound(printerId);
  return [match[1] as 'cups' | 'folder', match[2] as string];
}

function notFound(printerId: string): IndiciumError {
  return new IndiciumError('PRINTER_NOT_FOUND', {
    field: 'printerId',
    details: { printerId: printerId.slice(0, 160) },
  });
}
