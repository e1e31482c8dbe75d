import { randomBytes, randomInt } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store/create-store.js';
import type { Store } from '../src/store/store.js';
import { auditEntry, meterId, sha256 } from '../src/store/testing/store-fixtures.js';
import { usePostgresServer } from './support/postgres-test-server.js';

/**
 * Two vault nodes' stores on one PostgreSQL database (DESIGN §10), racing to spend the same meters
 * the way the value path does: read the package, compute the next one from it, commit replacing the
 * version read, and on STALE_PACKAGE read again. The "package" here carries its registers as text,
 * so the test can check what a module would: no meter spent past its descending register, AR + DR
 * equal to the control total after every indicium, and each indicium's AR one step of its meter's
 * chain, none lost, none issued twice.
 */
const server = usePostgresServer();

const CONTROL_TOTAL = 20_000;
const METERS = 3;

interface Registers {
  readonly ar: number;
  readonly dr: number;
}

const packageBytes = (r: Registers): Uint8Array => new TextEncoder().encode(JSON.stringify(r));
const readRegisters = (bytes: Uint8Array): Registers =>
  JSON.parse(new TextDecoder().decode(bytes)) as Registers;

describe('two vault nodes on one PostgreSQL database', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('never double-spends a meter: concurrent spending through both stores', {
    timeout: 120_000,
  }, async () => {
    const url = await server().createDatabase('nodes');
    const nodeA = await createStore({ kind: 'postgresql', url });
    const nodeB = await createStore({ kind: 'postgresql', url });
    stores.push(nodeA, nodeB);
    for (let m = 1; m <= METERS; m++) {
      await nodeA.commit({
        package: {
          meterId: meterId(m),
          customerId: 'customer-1',
          version: 1,
          replacesVersion: null,
          state: 'leased',
          bytes: packageBytes({ ar: 0, dr: CONTROL_TOTAL }),
        },
      });
    }

    const committed: Array<{ id: string; meter: string; postage: number }> = [];
    const refused: string[] = [];
    const otherRefusals: unknown[] = [];
    const sequences = new Map<string, number>();

    /** One worker of one node: spends random meters until its budget of attempts is used. */
    async function spend(store: Store, moduleId: string, attempts: number): Promise<void> {
      for (let i = 0; i < attempts; i++) {
        const meter = meterId(randomInt(1, METERS + 1));
        const pkg = await store.packages.get(meter);
        if (pkg === null) throw new Error('meter missing');
        const before = readRegisters(pkg.bytes);
        const postage = randomInt(1, 9) * 100;
        if (before.dr < postage) continue; // the module refuses: insufficient funds, nothing to store
        const after = { ar: before.ar + postage, dr: before.dr - postage };
        const id = `ind-${randomBytes(9).toString('base64url')}`;
        const sequence = sequences.get(moduleId) ?? 1;
        try {
          await store.commit({
            package: {
              meterId: meter,
              customerId: 'customer-1',
              version: pkg.version + 1,
              replacesVersion: pkg.version,
              state: 'leased',
              bytes: packageBytes(after),
            },
            checkpoint: { moduleId, checkpoint: sha256(`${moduleId} ${sequence}`) },
            auditEntries: [{ moduleId, entry: auditEntry(moduleId, sequence) }],
            indicium: {
              indiciumId: id,
              requestMac: sha256(`request ${id}`),
              meterId: meter,
              userId: 'alice',
              kind: 'postage',
              postageMills: postage,
              ascendingRegisterMills: after.ar,
              descendingRegisterMills: after.dr,
              pieceCount: 1,
              indicium: sha256(`indicium ${id}`),
              answer: new TextEncoder().encode(id),
            },
          });
          sequences.set(moduleId, sequence + 1);
          committed.push({ id, meter, postage });
        } catch (error) {
          if (error instanceof IndiciumError && error.code === 'STALE_PACKAGE') refused.push(id);
          else otherRefusals.push(error);
        }
      }
    }
    const workers = ['a1', 'a2', 'a3', 'a4'].map((m) => spend(nodeA, `node-a-${m}`, 40));
    const workersB = ['b1', 'b2', 'b3', 'b4'].map((m) => spend(nodeB, `node-b-${m}`, 40));
    await Promise.all([...workers, ...workersB]);

    // Contention really happened, and it was always the version check that refused (never a deadlock).
    expect(otherRefusals).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(committed.length).toBeGreaterThan(METERS);

    for (const store of [nodeA, nodeB]) {
      for (let m = 1; m <= METERS; m++) {
        const meter = meterId(m);
        const pkg = await store.packages.get(meter);
        const registers = readRegisters(pkg?.bytes ?? new Uint8Array());
        const mine = committed.filter((c) => c.meter === meter);
        // Every resolved commit is there, once; the package moved once per indicium.
        expect(pkg?.version).toBe(1 + mine.length);
        expect(registers.ar + registers.dr).toBe(CONTROL_TOTAL);
        expect(registers.ar).toBe(mine.reduce((sum, c) => sum + c.postage, 0));
        expect(registers.dr).toBeGreaterThanOrEqual(0);
        const history = (await store.indicia.listByMeter(meter, { limit: 1000 })).items;
        expect(history.map((h) => h.indiciumId).sort()).toEqual(mine.map((c) => c.id).sort());
        // Each indicium is one step of the chain: ARs distinct, and each AR − postage is the previous AR.
        const ars = history.map((h) => h.ascendingRegisterMills).sort((a, b) => a - b);
        expect(new Set(ars).size).toBe(ars.length);
        const byAr = new Map(history.map((h) => [h.ascendingRegisterMills, h]));
        let previous = 0;
        for (const ar of ars) {
          const h = byAr.get(ar);
          expect((h?.ascendingRegisterMills ?? 0) - (h?.postageMills ?? 0)).toBe(previous);
          expect((h?.ascendingRegisterMills ?? 0) + (h?.descendingRegisterMills ?? 0)).toBe(CONTROL_TOTAL);
          previous = ar;
        }
      }
      for (const id of refused) expect(await store.indicia.get(id)).toBeNull();
    }
  });

  it('claims each fresh meter from stock once, whichever node asks', async () => {
    const url = await server().createDatabase('stock');
    const nodeA = await createStore({ kind: 'postgresql', url });
    const nodeB = await createStore({ kind: 'postgresql', url });
    stores.push(nodeA, nodeB);
    for (let m = 1; m <= 6; m++) {
      await nodeA.commit({
        package: {
          meterId: meterId(m),
          customerId: null,
          version: 1,
          replacesVersion: null,
          state: 'unleased',
          bytes: sha256(`p${m}`),
        },
        stock: { meterId: meterId(m), certificateSerial: 100 + m },
      });
    }
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? nodeA : nodeB).meterStock.claim(`customer-${i}`)),
    );
    const taken = claims.filter((c) => c !== null).map((c) => c.meterId);
    expect(taken.sort()).toEqual(Array.from({ length: 6 }, (_, i) => meterId(i + 1)));
    expect(claims.filter((c) => c === null)).toHaveLength(4);
    expect(await nodeB.meterStock.available()).toBe(0);
  });
});
