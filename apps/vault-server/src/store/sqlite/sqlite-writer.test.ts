import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { createStore } from '../create-store.js';
import { useTempDirs } from '../testing/temp-dir.js';
import { SqliteWriter } from './sqlite-writer.js';
import { reviveError, transportError } from './transported-error.js';

describe('SQLite writer thread', () => {
  const tempDir = useTempDirs();

  async function migratedDatabase(): Promise<string> {
    const path = join(await tempDir(), 'vault.db');
    await (await createStore({ kind: 'sqlite', path })).close();
    return path;
  }

  it('brings a typed refusal across the thread as the same IndiciumError', () => {
    const sent = new IndiciumError('STALE_PACKAGE', {
      field: 'package.replacesVersion',
      detail: 'the stored package is another version',
      details: { meterId: 'M1', storedVersion: 3 },
    });
    const got = reviveError(structuredClone(transportError(sent)));
    expect(got).toBeInstanceOf(IndiciumError);
    expect(got).toMatchObject({
      code: 'STALE_PACKAGE',
      field: 'package.replacesVersion',
      details: { meterId: 'M1', storedVersion: 3 },
      message: sent.message,
    });
    const bare = reviveError(structuredClone(transportError(new IndiciumError('VAULT_BUSY'))));
    expect(bare).toMatchObject({
      code: 'VAULT_BUSY',
      field: undefined,
      message: new IndiciumError('VAULT_BUSY').message,
    });
    const plain = reviveError(structuredClone(transportError(new TypeError('boom'))));
    expect(plain).not.toBeInstanceOf(IndiciumError);
    expect(plain).toMatchObject({ name: 'TypeError', message: 'boom' });
  });

  it('fails the writes in flight with VAULT_UNAVAILABLE when the thread dies, and starts a new one for the next', async () => {
    const path = await migratedDatabase();
    const writer = new SqliteWriter({ path, busyTimeoutMs: 1000, maxBatchUnits: 100, clock: Date.now });
    try {
      const first = await writer.write<number>({ op: 'session.deleteExpired', nowMs: 0 });
      expect(first.value).toBe(0);
      expect(first.receipt).toMatchObject({ batch: 1, batchUnits: 1 });
      const inFlight = writer.write({ op: 'session.deleteExpired', nowMs: 0 });
      // The write is posted at the end of this turn; end the thread before its batch can answer.
      await new Promise((resolve) => setImmediate(resolve));
      const thread = writer.thread;
      expect(thread).not.toBeNull();
      await thread?.terminate();
      await expect(inFlight).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
      const again = await writer.write<number>({ op: 'session.deleteExpired', nowMs: 0 });
      expect(writer.thread).not.toBe(thread);
      expect(again.receipt.batch).toBeGreaterThan(first.receipt.batch);
      expect(writer.stats().batches).toBe(again.receipt.batch);
    } finally {
      await writer.close();
    }
    await expect(writer.write({ op: 'session.deleteExpired', nowMs: 0 })).rejects.toMatchObject({
      code: 'VAULT_UNAVAILABLE',
    });
  });

  it('refuses every write when the thread cannot open the database (VAULT_UNAVAILABLE, with the reason)', async () => {
    const path = join(await tempDir(), 'missing', 'vault.db');
    const writer = new SqliteWriter({ path, busyTimeoutMs: 1000, maxBatchUnits: 100, clock: Date.now });
    const error = await writer.write({ op: 'session.deleteExpired', nowMs: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    expect((error as Error).message).toContain('cannot be created');
    await writer.close();
  });
});
