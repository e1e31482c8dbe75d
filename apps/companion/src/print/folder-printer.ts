import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';

/**
 * "Prints" into a folder (DESIGN §7: QA and save-as-PDF). The file is created exclusively (an
 * existing one is never overwritten) and synced before the print counts as done.
 */
export async function printToFolder(dir: string, fileName: string, bytes: Uint8Array): Promise<string> {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(fileName) || fileName.startsWith('.')) {
    throw new IndiciumError('INVALID_FIELD', { field: 'fileName' });
  }
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new IndiciumError('PRINTER_NOT_FOUND', {
      field: 'printerId',
      detail: `the folder ${dir} does not exist`,
    });
  }
  const path = join(dir, fileName);
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new IndiciumError('PRINTER_FAILED', {
      field: 'printerId',
      detail: `could not write ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      cause: error,
    });
  }
  return path;
}
