import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditEntry, AuditEntrySchema } from '@indicium/protocol';
import { auditEntryHash } from './audit-acks.js';
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
 * Entries remembered per module to make `append` idempotent: more than a module's audit outbox
 * (256), which is what a module start hands over again.
 */
const RECENT = 512;

/**
 * A durable per-module audit log in `<dataDir>/modules/<serial>/audit.jsonl` (one entry per line,
 * fdatasync before `append` resolves). One sync per entry suits officer traffic and the first-run
 * ceremony; the vault's store takes over for PSD traffic, where group commit pays one sync per
 * batch (DESIGN §6). Appending an entry the log holds among its last `RECENT` is a no-op, as in
 * the store: the pool stores a module's audit outbox again at every start.
 */
export function createFileAuditLog(dataDir: string): AuditLog {
  const handles = new Map<string, Promise<FileHandle>>();
  /** Per module: identity (hash and signature) of the last entries written, by sequence. */
  const recent = new Map<string, Map<number, string>>();
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
  const identity = (entry: AuditEntry) => `${auditEntryHash(entry)}/${entry.signature ?? ''}`;
  const remember = (seen: Map<number, string>, entry: AuditEntry) => {
    seen.delete(entry.sequence);
    seen.set(entry.sequence, identity(entry));
    if (seen.size > RECENT) seen.delete(seen.keys().next().value as number);
  };
  const log: AuditLog = {
    append: (serial, entry) =>
      order.run(serial, async () => {
        let seen = recent.get(serial);
        if (seen === undefined) {
          seen = new Map();
          for (const old of (await log.read(serial)).slice(-RECENT)) remember(seen, old);
          recent.set(serial, seen);
        }
        if (seen.get(entry.sequence) === identity(entry)) return;
        const handle = await handleOf(serial);
        await handle.appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
        await handle.datasync();
        remember(seen, entry);
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
      recent.clear();
      await Promise.all(all.map(async (h) => (await h).close()));
    },
  };
  return log;
}
