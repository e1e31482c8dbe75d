import type { AuditEntry } from '@indicium/protocol';
import { encodeAuditEntry, IndiciumError } from '@indicium/protocol';
import type pg from 'pg';
import type { CheckedCommitUnit } from '../commit-unit.js';
// The rows PostgreSQL returns have the same columns and (with PG_TYPES) the same value types as
// SQLite's: one set of row → record mappings serves both stores.
import { type AuditRow, type LedgerRow, type PackageRow, toAudit, toLedger } from '../sqlite/sqlite-rows.js';
import { checkpointRowMoved, registrationTokenSpent } from '../sqlite/write-commit-unit.js';
import type { LedgerRecord } from '../store-records.js';
import { pgChanges, pgRow } from './pg-query.js';

/**
 * Writes one checked unit inside its batch's savepoint, in the same order and with the same checks
 * as the SQLite store's `writeCommitUnit`: the package first (its version check decides whether
 * anything else of the unit may stand), then the records that refer to it. Any throw rolls back
 * this unit alone (see pg-group-commit.ts). The package row is already locked by the batch.
 */
export async function writePgCommitUnit(
  c: pg.ClientBase,
  unit: CheckedCommitUnit,
  nowMs: number,
): Promise<void> {
  if (unit.package !== undefined) await writePackage(c, unit.package, nowMs);
  if (unit.checkpoint !== undefined) {
    const { moduleId, checkpoint, replaces } = unit.checkpoint;
    if (replaces === undefined) await pgChanges(c, 'moduleCheckpoint', [moduleId, checkpoint, nowMs]);
    else if (
      (await pgChanges(c, 'moduleCheckpointReplacing', [checkpoint, nowMs, moduleId, replaces])) !== 1
    ) {
      throw checkpointRowMoved(moduleId);
    }
  }
  for (const { moduleId, entry } of unit.auditEntries ?? []) await writeAuditEntry(c, moduleId, entry, nowMs);
  if (unit.indicium !== undefined) {
    const i = unit.indicium;
    await pgChanges(c, 'indiciumInsert', [
      i.indiciumId,
      i.requestMac,
      i.meterId,
      i.userId,
      i.kind,
      i.postageMills,
      i.ascendingRegisterMills,
      i.descendingRegisterMills,
      i.pieceCount,
      i.indicium,
      i.answer,
      nowMs,
    ]);
  }
  for (const entry of unit.ledgerEntries ?? []) await appendPgLedgerEntry(c, entry, nowMs);
  if (unit.providerMessage !== undefined) {
    const m = unit.providerMessage;
    await pgChanges(c, 'providerMessageInsert', [m.nonce, m.meterId, m.kind, m.payload, m.signature, nowMs]);
  }
  if (unit.certificate !== undefined) {
    const x = unit.certificate;
    await pgChanges(c, 'certificateInsert', [x.serial, x.meterId, x.pem, nowMs]);
  }
  for (const u of unit.meterUsers ?? []) {
    await pgChanges(c, 'meterUserUpsert', [u.meterId, u.userId, u.role, u.customerId]);
  }
  for (const u of unit.removedMeterUsers ?? []) await pgChanges(c, 'meterUserDelete', [u.meterId, u.userId]);
  if (unit.stock !== undefined) {
    await pgChanges(c, 'stockInsert', [unit.stock.meterId, unit.stock.certificateSerial, nowMs]);
  }
  const token = unit.consumedRegistrationToken;
  if (
    token !== undefined &&
    (await pgChanges(c, 'registrationTokenConsume', [token.tokenHash, token.meterId])) !== 1
  ) {
    throw registrationTokenSpent();
  }
}

/** The meters whose package rows a unit writes: the batch locks them before any unit runs. */
export function unitMeters(unit: CheckedCommitUnit): string[] {
  return unit.package === undefined ? [] : [unit.package.meterId];
}

/**
 * The lost-update check (DESIGN §10: "never double-spend a meter"), as in SQLite: an update names
 * the version it replaces and changes the row only if that is still the stored one (under the
 * batch's row lock, so another node's commit is either wholly before or wholly after this check);
 * a create refuses to replace a package. Either refusal is STALE_PACKAGE.
 */
async function writePackage(
  c: pg.ClientBase,
  p: NonNullable<CheckedCommitUnit['package']>,
  nowMs: number,
): Promise<void> {
  const changed =
    p.replacesVersion === null
      ? await pgChanges(c, 'packageInsert', [p.meterId, p.customerId, p.version, p.state, p.bytes, nowMs])
      : await pgChanges(c, 'packageUpdate', [
          p.customerId,
          p.version,
          p.state,
          p.bytes,
          nowMs,
          p.meterId,
          p.replacesVersion,
        ]);
  if (changed === 1) return;
  const stored = await pgRow<PackageRow>(c, 'packageGet', [p.meterId]);
  throw new IndiciumError('STALE_PACKAGE', {
    field: 'package.replacesVersion',
    detail:
      stored === undefined ? 'no package is stored for this meter' : 'the stored package is another version',
    details: {
      meterId: p.meterId,
      replacesVersion: p.replacesVersion,
      storedVersion: stored?.package_version ?? null,
    },
  });
}

/** Stored once: the same entry again is a no-op, another entry at a taken sequence is refused (§3.5). */
async function writeAuditEntry(c: pg.ClientBase, moduleId: string, entry: AuditEntry, nowMs: number) {
  const inserted = await pgChanges(c, 'auditInsert', [
    moduleId,
    entry.sequence,
    JSON.stringify(entry),
    nowMs,
  ]);
  if (inserted === 1) return;
  const stored = await pgRow<AuditRow>(c, 'auditGet', [moduleId, entry.sequence]);
  if (stored !== undefined && sameAuditEntry(toAudit(stored).entry, entry)) return;
  throw new IndiciumError('DUPLICATE_RECORD', {
    field: 'auditEntries.sequence',
    detail: 'another entry is stored at this sequence number',
    details: { table: 'audit_entries', moduleId, sequence: entry.sequence },
  });
}

function sameAuditEntry(a: AuditEntry, b: AuditEntry): boolean {
  return Buffer.from(encodeAuditEntry(a)).equals(encodeAuditEntry(b)) && a.signature === b.signature;
}

/**
 * Appends to the funds ledger once per (customer, idempotency key). Under READ COMMITTED an
 * `INSERT … ON CONFLICT DO NOTHING` racing another node's insert of the same key waits for it, so
 * the read that follows sees the winner's row.
 */
export async function appendPgLedgerEntry(
  c: pg.ClientBase,
  e: Omit<LedgerRecord, 'createdAtMs'>,
  nowMs: number,
): Promise<{ entry: LedgerRecord; created: boolean }> {
  const created = await pgChanges(c, 'ledgerInsert', [
    e.customerId,
    e.idempotencyKey,
    e.kind,
    e.meterId,
    e.amountMills,
    nowMs,
  ]);
  const row = await pgRow<LedgerRow>(c, 'ledgerGet', [e.customerId, e.idempotencyKey]);
  if (row === undefined) throw new Error('funds ledger entry missing right after its insert');
  const entry = toLedger(row);
  if (created === 1) return { entry, created: true };
  if (entry.kind === e.kind && entry.meterId === e.meterId && entry.amountMills === e.amountMills) {
    return { entry, created: false };
  }
  throw new IndiciumError('DUPLICATE_RECORD', {
    field: 'idempotencyKey',
    detail: 'this idempotency key was used for another entry',
    details: { table: 'funds_ledger' },
  });
}
