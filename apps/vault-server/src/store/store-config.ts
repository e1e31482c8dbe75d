import { z } from 'zod';
import { parseStoreInput } from './store-fields.js';

/**
 * Which database the vault uses (DESIGN §1, §10). Only SQLite today; issue 8 adds
 * `{ kind: 'postgresql', url }` behind the same `Store`. There is deliberately no in-memory
 * variant: a vault whose commits are not on disk could answer and then forget an indicium.
 */
export const StoreConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sqlite'),
    /** A file path; ':memory:' and '' (SQLite's temporary databases) are refused. */
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => p !== ':memory:' && !p.startsWith('file:'), 'must be a file path on disk'),
    /** How long a write waits for another process's write lock (vaultctl), ms. */
    busyTimeoutMs: z.int().min(0).max(60_000).default(5_000),
    /** The most units one transaction carries; more wait for the next batch. */
    maxBatchUnits: z.int().min(1).max(100_000).default(1_024),
  }),
]);

export type StoreConfig = z.input<typeof StoreConfigSchema>;

export function parseStoreConfig(config: unknown): z.output<typeof StoreConfigSchema> {
  return parseStoreInput(StoreConfigSchema, config, 'store');
}
