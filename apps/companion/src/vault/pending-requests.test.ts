import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CreateIndiciumRequest, IndiciumError, toBase64 } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCreateIndiciumRequest } from '../protocol/psd-requests.js';
import { PendingRequests } from './pending-requests.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'companion-pending-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const hmk = new Uint8Array(randomBytes(32));
const request = (userId: string): CreateIndiciumRequest =>
  signCreateIndiciumRequest(hmk, {
    meterId: '00042-00001-0000001001',
    userId,
    moduleChallenge: toBase64(randomBytes(32)),
    ascendingRegisterMills: 0,
    descendingRegisterMills: 10_000,
    transaction: {
      kind: 'postage',
      postageMills: 730,
      mailingDate: '2026-11-26',
      rateCategory: 'FCLT',
      originZip: '10001',
      destinationZip: null,
      pageOrigin: 'https://meter.example',
    },
  });

describe('PendingRequests (DESIGN §4.3: the same request again after a failure in transit)', () => {
  it('keeps one request per meter user, owner-only, across instances, until settled', async () => {
    const file = join(dir, 'a.json');
    const ada = request('ada');
    const bob = request('bob');
    await new PendingRequests(file).put(ada);
    await new PendingRequests(file).put(bob);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const reopened = new PendingRequests(file);
    expect(await reopened.get(ada.meterId, 'ada')).toEqual(ada);
    const newer = request('ada');
    await reopened.put(newer);
    expect(await reopened.get(ada.meterId, 'ada')).toEqual(newer);
    await reopened.settle(ada); // already replaced: nothing happens
    await reopened.settle(newer);
    expect(await reopened.get(ada.meterId, 'ada')).toBeUndefined();
    expect(await reopened.get(ada.meterId, 'bob')).toEqual(bob);
    expect(await readFile(file, 'utf8')).not.toContain(Buffer.from(hmk).toString('base64'));
  });

  it('refuses a file others can read, a damaged file, and a request out of schema: LOCAL_STORE_CORRUPT', async () => {
    const file = join(dir, 'b.json');
    const store = new PendingRequests(file);
    await store.put(request('ada'));
    await chmod(file, 0o644);
    const refuse = async (field?: string) => {
      const error = await store.get('00042-00001-0000001001', 'ada').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndiciumError);
      expect((error as IndiciumError).code).toBe('LOCAL_STORE_CORRUPT');
      if (field !== undefined) expect((error as IndiciumError).field).toBe(field);
    };
    await refuse('pending');
    await writeFile(file, '{"version":1,"pending":[', { mode: 0o600 });
    await chmod(file, 0o600);
    await refuse('pending');
    const edited = { version: 1, pending: [{ ...request('ada'), ascendingRegisterMills: -1 }] };
    await writeFile(file, JSON.stringify(edited));
    await refuse('pending.pending.0.ascendingRegisterMills');
  });
});
