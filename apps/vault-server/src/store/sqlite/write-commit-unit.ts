import type { AuditEntry } from '@indicium/protocol';
import { encodeAuditEntry, IndiciumError } from '@indicium/protocol';
import type { CheckedCommitUnit } from '../commit-unit.js';
import type { LedgerRecord } from '../store-records.js';
import { toAudit, toLedger } from './sqlite-rows.js';
import type { SqliteStatements } from './sqlite-statements.js';

/**
 * Writes one checked unit inside the batch's savepoint. The package goes first (its version check
 * decides whether anything else of the unit may stand), then the records that refer to it. Any
 * throw rolls back this unit alone (see group-commit.ts).
 */
export function writeCommitUnit(s: SqliteStatements, unit: CheckedCommitUnit, nowMs: number): void {
  if (unit.package !== undefined) writePackage(s, unit.package, nowMs);
  if (unit.checkpoint !== undefined) {
    const { moduleId, checkpoint, replaces } = unit.checkpoint;
    if (replaces === undefined) s.moduleCheckpoint.run(moduleId, checkpoint, nowMs);
    else if (s.moduleCheckpointReplacing.run(checkpoint, nowMs, moduleId, replaces).changes !== 1) {
      throw checkpointRowMoved(moduleId);
    }
  }
  for (const { moduleId, entry } of unit.auditEntries ?? []) writeAuditEntry(s, moduleId, entry, nowMs);
  if (unit.indicium !== undefined) {
    const i = unit.indicium;
    s.indiciumInsert.run(
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
    );
  }
  for (const entry of unit.ledgerEntries ?? []) appendLedgerEntry(s, entry, nowMs);
  if (unit.providerMessage !== undefined) {
    const m = unit.providerMessage;
    s.providerMessageInsert.run(m.nonce, m.meterId, m.kind, m.payload, m.signature, nowMs);
  }
  if (unit.certificate !== undefined) {
    const c = unit.certificate;
    s.certificateInsert.run(c.serial, c.meterId, c.pem, nowMs);
  }
  for (const u of unit.meterUsers ?? []) s.meterUserUpsert.run(u.meterId, u.userId, u.role, u.customerId);
  for (const u of unit.removedMeterUsers ?? []) s.meterUserDelete.run(u.meterId, u.userId);
  if (unit.stock !== undefined) s.stockInsert.run(unit.stock.meterId, unit.stock.certificateSerial, nowMs);
  const token = unit.consumedRegistrationToken;
  if (token !== undefined && s.registrationTokenConsume.run(token.tokenHash, token.meterId).changes !== 1) {
    throw registrationTokenSpent();
  }
}

/**
 * The module's row no longer holds the record its command ran against: the unit queued before this
 * one for the same module did not commit (or an officer moved the row). Nothing of this unit is
 * written; the module Auto-Recovers to the row before its next command (DESIGN §3.6).
 */
export function checkpointRowMoved(moduleId: string): IndiciumError {
  return new IndiciumError('VAULT_UNAVAILABLE', {
    field: 'checkpoint',
    detail: `module ${moduleId}: an earlier unit of this module did not commit; nothing of this one was stored`,
  });
}

/**
 * A unit's token was consumed already (a second registration with it, here or on another node):
 * the same refusal as an unknown token, and the unit writes nothing. Its expiry is not checked
 * again here: it was when the registration began, minutes at most before.
 */
export function registrationTokenSpent(): IndiciumError {
  return new IndiciumError('ROLE_DENIED', { field: 'registrationToken', details: { reason: 'token' } });
}

/**
 * The lost-update check (DESIGN §10: "never double-spend a meter"): an update names the version it
 * replaces and changes the row only if that is still the stored one; creating a package refuses
 * to replace one. Either refusal is STALE_PACKAGE and the unit writes nothing.
 */
function writePackage(
  s: SqliteStatements,
  p: NonNullable<CheckedCommitUnit['package']>,
  nowMs: number,
): void {
  const changed =
    p.replacesVersion === null
      ? s.packageInsert.run(p.meterId, p.customerId, p.version, p.state, p.bytes, nowMs).changes
      : s.packageUpdate.run(p.customerId, p.version, p.state, p.bytes, nowMs, p.meterId, p.replacesVersion)
          .changes;
  if (changed === 1) return;
  const stored = s.packageGet.get(p.meterId);
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

/**
 * Audit entries are stored once: the same entry again (a pool's audit sink and a unit both storing
 * it, or a retried export) is a no-op; a *different* entry under a taken sequence number is refused,
 * since two entries claiming one place in a module's chain means one of them is forged (§3.5).
 */
function writeAuditEntry(s: SqliteStatements, moduleId: string, entry: AuditEntry, nowMs: number): void {
  const inserted = s.auditInsert.run(moduleId, entry.sequence, JSON.stringify(entry), nowMs).changes;
  if (inserted === 1) return;
  const stored = s.auditGet.get(moduleId, entry.sequence);
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
 * Appends to the funds ledger. A retry (same customer and idempotency key, same content) appends
 * nothing and returns the stored entry; the same key with other content is DUPLICATE_RECORD.
 */
export function appendLedgerEntry(
  s: SqliteStatements,
  e: Omit<LedgerRecord, 'createdAtMs'>,
  nowMs: number,
): { entry: LedgerRecord; created: boolean } {
  const created = s.ledgerInsert.run(
    e.customerId,
    e.idempotencyKey,
    e.kind,
    e.meterId,
    e.amountMills,
    nowMs,
  ).changes;
  const row = s.ledgerGet.get(e.customerId, e.idempotencyKey);
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
