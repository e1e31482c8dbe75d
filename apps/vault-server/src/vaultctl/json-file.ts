import { readFile, writeFile } from 'node:fs/promises';
import { IndiciumError } from '@indicium/protocol';

/** Reads a JSON file an officer carries between modules (a transport key, a share, card tokens). */
export async function readJsonFile(path: string, field: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new IndiciumError('INVALID_FIELD', { field, detail: `${path} is not a readable JSON file`, cause });
  }
}

/** Writes one, owner-only (shares are encrypted to their destination, but need not be public). */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}
