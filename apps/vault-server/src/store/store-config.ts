import { z } from 'zod';
import { parseStoreInput } from './store-fields.js';

/**
 * Which database the vault uses (DESIGN §1, §10): the embedded SQLite file (one node), or
 * `{ kind: 'postgresql', url }` shared by several vault nodes, behind the same `Store`. There is
 * deliberately no in-memory variant: a vault whose commits are not on disk could answer and then
 * forget an indicium.
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
  z.strictObject({
    kind: z.literal('postgresql'),
    /** `postgres://user[:password]@host[:port]/database[?sslmode=…]`. */
    url: z
      .string()
      .max(4096)
      .regex(/^postgres(?:ql)?:\/\/[^\s]+$/, 'must be a postgres:// URL')
      .refine((u) => URL.canParse(u), 'must be a postgres:// URL'),
    /** How long a batch waits for a meter's row lock held by another node, ms; then VAULT_BUSY. */
    lockTimeoutMs: z.int().min(1).max(60_000).default(5_000),
    /** Connections for reads; the writer has one more of its own. */
    maxReadConnections: z.int().min(1).max(100).default(8),
    /** Meters this node may hold at once across nodes (one connection each). */
    maxMeterLocks: z.int().min(1).max(200).default(32),
    /** How long work on a meter waits for another node to let go of it, ms; then VAULT_BUSY. */
    meterLockTimeoutMs: z.int().min(1).max(600_000).default(30_000),
    /** The most units one transaction carries; more wait for the next batch. */
    maxBatchUnits: z.int().min(1).max(100_000).default(1_024),
  }),
]);

export type StoreConfig = z.input<typeof StoreConfigSchema>;

export function parseStoreConfig(config: unknown): z.output<typeof StoreConfigSchema> {
  return parseStoreInput(StoreConfigSchema, config, 'store');
}
