import { verifyMeterRegisters } from '@indicium/crypto-module';
import type { AuditEntry } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { withoutDiscardedChanges } from './without-discarded-changes.js';

function entry(
  sequence: number,
  command: string,
  data: Record<string, string>,
  reasonCode = 'OK',
): AuditEntry {
  return {
    moduleSerial: 'M0001',
    sequence,
    previousHash: Buffer.alloc(32).toString('base64'),
    softwarePart: 'indicium-software-module',
    softwareVersion: '0.1.0',
    bootCount: 1,
    command,
    userId: null,
    role: null,
    currentState: 'O',
    persistentState: 'O',
    time: 1_700_000_000_000 + sequence,
    reasonCode,
    data,
    signatureRequired: false,
    signature: null,
  };
}

const change = (sequence: number, version: number, ar: number, command = 'create-indicium') =>
  entry(sequence, command, {
    meterId: 'meter-1',
    packageVersion: String(version),
    ascendingRegisterMills: String(ar),
  });

/** Auto-Recover Checkpoint's data for one discarded change (checkpoint-commands.ts `describe`). */
const recovered = (sequence: number, version: number, ar: number, reasonCode = 'OK') =>
  entry(
    sequence,
    'auto-recover-checkpoint',
    {
      outcome: 'rolled-back',
      discardedCount: '1',
      'discarded.0': `meter-1,create-indicium,500,${ar},9500,${version},1700000000000`,
    },
    reasonCode,
  );

/** A killed vault: change v11 chained but never committed; the module rolls back; v11 made again. */
const crashed = [
  change(1, 10, 1000),
  change(2, 11, 1500),
  recovered(3, 11, 1500),
  change(4, 11, 1000, 'get-challenge'),
];

describe('withoutDiscardedChanges (DESIGN §3.6: a change the module rolled back itself)', () => {
  it('drops the change an Auto-Recover entry of the same module names, later in its chain', () => {
    const logs = [{ moduleSerial: 'M0001', entries: crashed }];
    expect(
      verifyMeterRegisters(logs)
        .meters.map((m) => m.kind)
        .sort(),
    ).toEqual(['ar-decreased', 'version-reused']);
    const [log] = withoutDiscardedChanges(logs);
    expect(log?.entries.map((e) => e.sequence)).toEqual([1, 3, 4]);
    expect(verifyMeterRegisters(withoutDiscardedChanges(logs)).meters).toEqual([]);
  });

  it('still reports a replay no Auto-Recover entry explains', () => {
    const replayed = [change(1, 10, 1000), change(2, 11, 1500), change(3, 11, 1000)];
    const logs = [{ moduleSerial: 'M0001', entries: replayed }];
    expect(withoutDiscardedChanges(logs)[0]?.entries).toEqual(replayed);
    expect(verifyMeterRegisters(withoutDiscardedChanges(logs)).meters.length).toBeGreaterThan(0);
  });

  it('hides one change per discarded record: a replay with the same version and AR still shows', () => {
    // v11 committed at 2; the v10 copy replayed at 3 (same postage: the same version and AR) and
    // committed; replayed again at 4, and only that last change discarded by the module at 5.
    const replayed = [
      change(1, 10, 1000),
      change(2, 11, 1500),
      change(3, 11, 1500),
      change(4, 11, 1500),
      recovered(5, 11, 1500),
    ];
    const logs = [{ moduleSerial: 'M0001', entries: replayed }];
    const [log] = withoutDiscardedChanges(logs);
    expect(log?.entries.map((e) => e.sequence)).toEqual([1, 2, 3, 5]);
    expect(verifyMeterRegisters(withoutDiscardedChanges(logs)).meters.map((m) => m.kind)).toContain(
      'version-reused',
    );
  });

  it('needs the Auto-Recover entry after the change, succeeded, and naming its AR', () => {
    const before = [change(1, 10, 1000), recovered(2, 11, 1500), change(3, 11, 1500), change(4, 11, 1000)];
    const refused = [change(1, 10, 1000), change(2, 11, 1500), recovered(3, 11, 1500, 'CHECKPOINT_MISMATCH')];
    const otherAr = [change(1, 10, 1000), change(2, 11, 1500), recovered(3, 11, 2000)];
    for (const entries of [before, refused, otherAr]) {
      expect(withoutDiscardedChanges([{ moduleSerial: 'M0001', entries }])[0]?.entries).toEqual(entries);
    }
  });
});
