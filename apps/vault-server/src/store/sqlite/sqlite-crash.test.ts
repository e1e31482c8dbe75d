import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStore } from '../create-store.js';
import { commitThenKill } from '../testing/commit-then-kill.js';
import { meterId, sha256 } from '../testing/store-fixtures.js';
import { useTempDirs } from '../testing/temp-dir.js';

const CHILD = fileURLToPath(new URL('./commit-stream.child.ts', import.meta.url));
const METERS = 8;

describe('SQLite store: a crash mid-stream', () => {
  const tempDir = useTempDirs();

  it('keeps every unit whose commit resolved, and no unit half-written', { timeout: 60_000 }, async () => {
    const path = join(await tempDir(), 'vault.db');
    const killAfter = 300 + Math.floor(Math.random() * 300);
    const reported = await commitThenKill(CHILD, [path, `${METERS}`], killAfter);
    expect(reported.length).toBeGreaterThanOrEqual(killAfter);

    const store = await createStore({ kind: 'sqlite', path });
    try {
      const present = new Set<number>();
      const perMeter = new Map<string, number[]>();
      for (let n = 1; n <= METERS; n++) {
        const page = await store.indicia.listByMeter(meterId(n), { limit: 1000 });
        expect(page.nextCursor).toBeNull();
        const units = page.items.map((item) => Number(item.indiciumId.slice('unit-'.length)));
        perMeter.set(meterId(n), units);
        for (const u of units) present.add(u);
      }
      // Durable: everything the child heard resolve is there.
      for (const u of reported) expect(present.has(u), `unit ${u} resolved but is missing`).toBe(true);

      // Whole: each present unit has its audit entry and its request MAC; no audit entry without its unit.
      const audit = await store.audit.listByModule('crash-module', { fromSequence: 0, limit: 10_000 });
      expect(audit.map((a) => a.sequence).sort((a, b) => a - b)).toEqual([...present].sort((a, b) => a - b));
      for (const u of reported.slice(-20)) {
        expect((await store.findIndiciumByRequestMac(sha256(`request ${u}`)))?.indiciumId).toBe(
          `unit-${String(u).padStart(6, '0')}`,
        );
      }
      // Each meter's package moved once per present unit and holds its latest unit's bytes.
      for (const [meter, units] of perMeter) {
        const pkg = await store.packages.get(meter);
        expect(pkg?.version).toBe(1 + units.length);
        const latest = units.length === 0 ? -1 : Math.max(...units);
        expect(pkg?.bytes).toEqual(sha256(`unit ${latest}`));
      }
      // The module table holds the checkpoint of the last unit committed.
      expect((await store.modules.get('crash-module'))?.checkpoint).toEqual(
        sha256(`unit ${Math.max(...present)}`),
      );
    } finally {
      await store.close();
    }
  });
});
