import { open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CreateIndiciumRequest, CreateIndiciumRequestSchema, IndiciumError } from '@indicium/protocol';
import { z } from 'zod';

const FileSchema = z.strictObject({
  version: z.literal(1),
  pending: z.array(CreateIndiciumRequestSchema).max(64),
});

/**
 * Create Indicium requests sent but not yet answered, one per meter user, kept on disk (DESIGN
 * §4.3). A request is written, synced, before it is sent, and removed only once its answer has been
 * verified and the new Cm and registers saved. After a failure in transit — or a crash — the very
 * same request (same Cc, same MAC) is sent again, and the vault, which committed it before it
 * answered, returns the stored answer: one indicium, never two, never none.
 *
 * The file holds MACs and registers but no key; it is owner-only (0600) like the rest of the data
 * folder, written atomically (temp file, fsync, rename, fsync the folder).
 */
export class PendingRequests {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async get(meterId: string, userId: string): Promise<CreateIndiciumRequest | undefined> {
    return (await this.#read()).find((r) => r.meterId === meterId && r.userId === userId);
  }

  async put(request: CreateIndiciumRequest): Promise<void> {
    const others = (await this.#read()).filter((r) => !sameUser(r, request));
    await this.#write([...others, request]);
  }

  /** Forgets the request once it is settled (answered and verified, or refused by the vault). */
  async settle(request: CreateIndiciumRequest): Promise<void> {
    const all = await this.#read();
    const kept = all.filter((r) => r.hmac !== request.hmac);
    if (kept.length !== all.length) await this.#write(kept);
  }

  async #read(): Promise<CreateIndiciumRequest[]> {
    let text: string;
    try {
      const info = await stat(this.#file);
      if ((info.mode & 0o077) !== 0) {
        throw new IndiciumError('LOCAL_STORE_CORRUPT', {
          field: 'pending',
          detail: `${this.#file} is open to other users; it must be 600`,
        });
      }
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'pending', detail: 'not JSON' });
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success) {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', {
        field: `pending.${parsed.error.issues[0]?.path.join('.') ?? ''}`,
        detail: 'does not match its schema',
      });
    }
    return parsed.data.pending;
  }

  async #write(pending: CreateIndiciumRequest[]): Promise<void> {
    const temp = `${this.#file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify({ version: 1, pending })}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.#file);
    const dir = await open(dirname(this.#file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

function sameUser(a: CreateIndiciumRequest, b: CreateIndiciumRequest): boolean {
  return a.meterId === b.meterId && a.userId === b.userId;
}
