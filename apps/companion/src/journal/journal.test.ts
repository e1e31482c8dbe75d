import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestIndicium } from '../render/test-indicium.fixture.js';
import { withFileLock } from './file-lock.js';
import { Journal, type JournalFiles } from './journal.js';
import { toHistoryItem } from './journal-entry.js';
import { indiciumIdOf } from './journal-record.js';

let root: string;
let count = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-journal-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function files(): JournalFiles {
  count += 1;
  return { file: join(root, `journal-${count}.jsonl`), lockFile: join(root, `journal-${count}.lock`) };
}

const meterId = '00042-00001-0000001001';
// ECDSA signatures are randomised: one indicium per piece count, so "the same indicium" is the same bytes.
const indicia = new Map<number, Uint8Array>();
function issue(pieceCount = 1) {
  if (!indicia.has(pieceCount)) indicia.set(pieceCount, makeTestIndicium({ pieceCount }));
  return {
    meterId,
    userId: 'ada',
    requestMac: new Uint8Array(32).fill(pieceCount),
    indicium: indicia.get(pieceCount) as Uint8Array,
    medium: 'envelope-10' as const,
  };
}

async function expectCode(promise: Promise<unknown>, code: string, field?: string): Promise<IndiciumError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  expect((error as IndiciumError).code).toBe(code);
  if (field !== undefined) expect((error as IndiciumError).field).toBe(field);
  return error as IndiciumError;
}

describe('Journal (DESIGN §7)', { timeout: 20_000 }, () => {
  it('journals an issued indicium durably, owner-only, and reads it back in a new process view', async () => {
    const f = files();
    const journal = await Journal.open(f);
    const entry = await journal.recordIssued(issue());
    expect(entry.indiciumId).toBe(indiciumIdOf(issue().indicium));
    expect(entry.indiciumId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await stat(f.file)).mode & 0o777).toBe(0o600);
    const again = await Journal.open(f);
    expect(await again.entry(entry.indiciumId)).toEqual(entry);
  });

  it('the same indicium twice (a retry that returned the stored answer) is one entry', async () => {
    const journal = await Journal.open(files());
    const first = await journal.recordIssued(issue());
    const second = await journal.recordIssued(issue());
    expect(second).toEqual(first);
    expect(await journal.list({ limit: 10 })).toHaveLength(1);
  });

  it('a printed indicium is never printed again: neither print nor reprint', async () => {
    const journal = await Journal.open(files());
    const { indiciumId } = await journal.recordIssued(issue());
    await journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: false });
    const done = await journal.finishPrint(indiciumId, {
      ok: true,
      printerId: 'cups:Office',
      jobId: 'Office-7',
    });
    expect(done.printedAt).not.toBeNull();
    expect(done.jobId).toBe('Office-7');
    await expectCode(
      journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: true }),
      'ALREADY_PRINTED',
      'indiciumId',
    );
    await expectCode(
      journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: false }),
      'ALREADY_PRINTED',
      'indiciumId',
    );
  });

  it('an indicium whose print failed may be printed once more, and only once', async () => {
    const journal = await Journal.open(files());
    const { indiciumId } = await journal.recordIssued(issue());
    await journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: false });
    await journal.finishPrint(indiciumId, { ok: false, code: 'PRINTER_FAILED' });
    await expectCode(
      journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: false }),
      'ALREADY_PRINTED',
    );
    await journal.startPrint(indiciumId, { printerId: 'cups:Other', reprint: true });
    const failed = await journal.finishPrint(indiciumId, { ok: false, code: 'PRINTER_FAILED' });
    expect(failed.attempts).toBe(2);
    expect(toHistoryItem(failed).status).toBe('print-failed');
    await expectCode(
      journal.startPrint(indiciumId, { printerId: 'cups:Other', reprint: true }),
      'ALREADY_PRINTED',
    );
  });

  it('an attempt cut short by a crash counts (paper may have come out): one reprint is left', async () => {
    const f = files();
    const journal = await Journal.open(f);
    const { indiciumId } = await journal.recordIssued(issue());
    await journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: false });
    const afterCrash = await Journal.open(f);
    expect((await afterCrash.entry(indiciumId))?.attempts).toBe(1);
    await afterCrash.startPrint(indiciumId, { printerId: 'cups:Office', reprint: true });
    await expectCode(
      afterCrash.startPrint(indiciumId, { printerId: 'cups:Office', reprint: true }),
      'ALREADY_PRINTED',
    );
  });

  it('an issued indicium never sent to a printer can be reprinted', async () => {
    const journal = await Journal.open(files());
    const { indiciumId } = await journal.recordIssued(issue());
    await journal.startPrint(indiciumId, { printerId: 'folder:qa', reprint: true });
    const done = await journal.finishPrint(indiciumId, { ok: true, printerId: 'folder:qa', jobId: null });
    expect(toHistoryItem(done).status).toBe('printed');
  });

  it('refuses an unknown id with INVALID_INPUT', async () => {
    const journal = await Journal.open(files());
    await expectCode(
      journal.startPrint('AAAAAAAAAAAAAAAAAAAAAA', { printerId: 'cups:Office', reprint: true }),
      'INVALID_INPUT',
      'indiciumId',
    );
  });

  it('lists newest first, by meter, and maps entries to history items from the signed bytes', async () => {
    const journal = await Journal.open(files());
    await journal.recordIssued(issue(1));
    await journal.recordIssued(issue(2));
    await journal.recordIssued({ ...issue(3), meterId: '00042-00001-0000001002' });
    const items = await journal.list({ meterId, limit: 10 });
    expect(items.map((e) => e.requestMac[0])).toEqual([2, 1]);
    expect(await journal.list({ limit: 1 })).toHaveLength(1);
    const item = toHistoryItem(items[0] as (typeof items)[0]);
    expect(item).toMatchObject({
      meterId,
      kind: 'postage',
      postageMills: 730,
      mailingDate: '2026-11-26',
      rateCategory: 'FCLT',
      originZip: '10001-1234',
      destinationZip: '94507',
      status: 'issued',
    });
  });

  it('two writers (the host and a CLI command) share one chain', async () => {
    const f = files();
    const host = await Journal.open(f);
    const cli = await Journal.open(f);
    const a = await host.recordIssued(issue(1));
    const b = await cli.recordIssued(issue(2));
    await host.startPrint(b.indiciumId, { printerId: 'cups:Office', reprint: false });
    await expectCode(
      cli.startPrint(b.indiciumId, { printerId: 'cups:Office', reprint: false }),
      'ALREADY_PRINTED',
    );
    await Promise.all([
      host.startPrint(a.indiciumId, { printerId: 'cups:Office', reprint: false }),
      cli.recordIssued(issue(3)),
    ]);
    const reread = await Journal.open(f);
    expect(await reread.list({ limit: 10 })).toHaveLength(3);
    expect((await reread.entry(a.indiciumId))?.attempts).toBe(1);
  });

  it('a line half-written by a crash is ignored, then cut off by the next append', async () => {
    const f = files();
    const journal = await Journal.open(f);
    await journal.recordIssued(issue(1));
    await appendFile(f.file, '{"seq":1,"prev":"ab');
    const afterCrash = await Journal.open(f);
    expect(await afterCrash.list({ limit: 10 })).toHaveLength(1);
    await afterCrash.recordIssued(issue(2));
    const reread = await Journal.open(f);
    expect(await reread.list({ limit: 10 })).toHaveLength(2);
    expect((await readFile(f.file, 'utf8')).trim().split('\n')).toHaveLength(2);
  });
});

describe('a damaged journal is refused (LOCAL_STORE_CORRUPT)', () => {
  async function damaged(edit: (lines: string[]) => string[]): Promise<Promise<Journal>> {
    const f = files();
    const journal = await Journal.open(f);
    const { indiciumId } = await journal.recordIssued(issue(1));
    await journal.startPrint(indiciumId, { printerId: 'cups:Office', reprint: false });
    await journal.finishPrint(indiciumId, { ok: true, printerId: 'cups:Office', jobId: null });
    const lines = (await readFile(f.file, 'utf8')).trim().split('\n');
    await writeFile(f.file, `${edit(lines).join('\n')}\n`);
    return Journal.open(f);
  }

  it('a line removed (the "printed" record, to print again)', async () => {
    await expectCode(
      damaged((lines) => [lines[0] as string, lines[1] as string, lines[1] as string]),
      'LOCAL_STORE_CORRUPT',
      'journal',
    );
    // A cut at a line boundary reads as the journal before its last event: a local file cannot
    // prove its own end (the vault holds the authoritative record). The attempt still counts.
    const cut = await damaged((lines) => lines.slice(0, 2));
    const [entry] = await cut.list({ limit: 1 });
    expect(entry?.attempts).toBe(1);
    expect(entry?.printedAt).toBeNull();
    await expectCode(
      damaged((lines) => [lines[0] as string, lines[2] as string]),
      'LOCAL_STORE_CORRUPT',
      'journal',
    );
  });

  it('a field edited', async () => {
    await expectCode(
      damaged((lines) => [lines[0]?.replace('envelope-10', 'letter') as string, ...lines.slice(1)]),
      'LOCAL_STORE_CORRUPT',
    );
  });

  it('lines reordered', async () => {
    await expectCode(
      damaged((lines) => [lines[0] as string, lines[2] as string, lines[1] as string]),
      'LOCAL_STORE_CORRUPT',
    );
  });

  it('a line that is not JSON or not a record', async () => {
    await expectCode(
      damaged((lines) => [...lines, 'garbage']),
      'LOCAL_STORE_CORRUPT',
    );
    await expectCode(
      damaged((lines) => [...lines, '{"type":"printed"}']),
      'LOCAL_STORE_CORRUPT',
    );
  });
});

describe('withFileLock', () => {
  it('takes over a lock whose holder died, and waits for a live one (TIMEOUT)', async () => {
    const lock = join(root, 'stale.lock');
    await writeFile(lock, '999999999');
    expect(await withFileLock(lock, async () => 'ran')).toBe('ran');
    await writeFile(lock, '1'); // pid 1 is always alive
    await expectCode(
      withFileLock(lock, async () => 'ran', 100),
      'TIMEOUT',
    );
  });
});
