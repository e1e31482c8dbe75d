import { open, readFile } from 'node:fs/promises';
import { GatewayUserSchema, IndiciumError, PairingIdSchema } from '@indicium/protocol';
import { z } from 'zod';

/** One job through the gateway (DESIGN §9): who, what, when, where. */
export const OfficeJobSchema = z.strictObject({
  at: z.iso.datetime(),
  user: GatewayUserSchema,
  pairingId: PairingIdSchema,
  /** The interface machine's name, as confirmed at pairing. */
  machine: z.string().max(64),
  call: z.enum(['print', 'reprint']),
  indiciumId: z.string().max(64),
  postageMills: z.int().min(0),
  /** `gateway:cups:<queue>` (the office printer) or `interface:<machine>` (returned to that machine). */
  printer: z.string().max(200),
  printed: z.boolean(),
});
export type OfficeJob = z.infer<typeof OfficeJobSchema>;

/**
 * The office's job log: an owner-only JSON-lines file, appended and synced per job. It tells people
 * which printer a job went to; the journal (hash-chained) and the vault remain the authority on
 * what was issued.
 */
export class OfficeLog {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async append(job: OfficeJob): Promise<void> {
    const handle = await open(this.#file, 'a', 0o600);
    try {
      await handle.appendFile(`${JSON.stringify(OfficeJobSchema.parse(job))}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Jobs, newest first, optionally of one user. A torn last line (a crash mid-append) is skipped. */
  async list(filter: { userId?: string; limit?: number } = {}): Promise<OfficeJob[]> {
    const text = await readFile(this.#file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const lines = text.split('\n').filter((line) => line !== '');
    const jobs: OfficeJob[] = [];
    for (const [index, line] of lines.entries()) {
      const parsed = (() => {
        try {
          return OfficeJobSchema.safeParse(JSON.parse(line));
        } catch {
          return undefined;
        }
      })();
      if (parsed?.success === true) jobs.push(parsed.data);
      else if (index !== lines.length - 1 || text.endsWith('\n')) {
        throw new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'officeLog', details: { line: index + 1 } });
      }
    }
    return jobs
      .filter((job) => filter.userId === undefined || job.user.userId === filter.userId)
      .reverse()
      .slice(0, filter.limit ?? jobs.length);
  }
}
