import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditEntry, AuditEntrySchema } from '@indicium/protocol';
import { createKeyedQueue } from './keyed-queue.js';
import { moduleFiles } from './module-files.js';
import { pathExists } from './owner-only-files.js';
import { vaultDataRefused } from './vault-data-refused.js';

/** Where audit entries go and come back from (DESIGN §3.5). The store's table implements it too. */
export interface AuditLog {
  append(serial: string, entry: AuditEntry): Promise<void>;
  /** One module's entries in the order the module made them. */
  read(serial: string): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

/**
 * A durable per-module audit log in `<dataDir>/modules/<serial>/audit.jsonl` (one entry per line,
 * fdatasync before `append` resolves). One sync per entry suits officer traffic and the first-run
 * ceremony; the vault's store takes over for PSD traffic, where group commit pays one sync per
 * batch (DESIGN §6).
 */
export function createFileAuditLog(dataDir: string): AuditLog {
  const handles = new Map<string, Promise<FileHandle>>();
  // Entries of one module are appended in the order they were handed over.
  const order = createKeyedQueue();
  const pathOf = (serial: string) => join(moduleFiles(dataDir, serial).dir, 'audit.jsonl');
  const handleOf = (serial: string) => {
    let handle = handles.get(serial);
    if (handle === undefined) {
      handle = open(pathOf(serial), 'a', 0o600);
      handles.set(serial, handle);
    }
    return handle;
  };
  return {
    append: (serial, entry) =>
      order.run(serial, async () => {
        const handle = await handleOf(serial);
        await handle.appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
        await handle.datasync();
      }),
    async read(serial) {
      // No waiting for appends (under load they never stop): read what is complete now. A line
      // still being written has no newline yet and is left for the next read.
      const path = pathOf(serial);
      if (!(await pathExists(path))) return [];
      const text = await readFile(path, 'utf8');
      const lines = text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter((line) => line.length > 0);
      return lines.map((line, index) => {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch (error) {
          throw vaultDataRefused(path, 'malformed', `line ${index + 1} is not JSON`, error);
        }
        const parsed = AuditEntrySchema.safeParse(json);
        if (!parsed.success)
          throw vaultDataRefused(path, 'malformed', `line ${index + 1} is not an audit entry`);
        return parsed.data;
      });
    },
    async close() {
      await order.idle();
      const all = [...handles.values()];
      handles.clear();
      await Promise.all(all.map(async (h) => (await h).close()));
    },
  };
}
