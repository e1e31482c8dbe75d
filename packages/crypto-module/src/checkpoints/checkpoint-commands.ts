import {
  AutoRecoverCheckpointBodySchema,
  IndiciumError,
  PsdSettingsSchema,
  RecoverCheckpointBodySchema,
} from '@indicium/protocol';
import { type CommandSpec, defineCommand, stay } from '../commands/command-spec.js';
import { checkpointKeyOf, readCheckpoint } from './checkpoint-keeper.js';
import type { CheckpointRecord } from './checkpoint-record.js';
import { checkpointSection } from './checkpoint-section.js';

function describe(record: CheckpointRecord): string {
  return [
    record.meterId,
    record.transaction,
    record.amountMills,
    record.ascendingRegisterMills,
    record.descendingRegisterMills,
    record.packageVersion,
    record.time,
  ].join(',');
}

/**
 * Auto-Recover Checkpoint (DESIGN §3.6; seed): the database's record equals one of the two older
 * records the module keeps → the module rolls back to it, and its audit entry (always signed) lists
 * every discarded transaction as `discarded.N` = meter, transaction, amount, AR, DR, package
 * version, time. Otherwise the module is inhibited — a committed, audited refusal — and refuses
 * every PSD command until an officer recovers it.
 */
export const autoRecoverCheckpointCommand = defineCommand({
  name: 'auto-recover-checkpoint',
  summary: "Rolls back to the database's record if it is one of the two older ones; else inhibits PSD work.",
  design: 'DESIGN §3.6',
  states: ['O'],
  role: 'none',
  auth: 'none',
  audit: 'signed-entry',
  next: stay,
  request: AutoRecoverCheckpointBodySchema,
  handler: (ctx, body) => {
    const section = checkpointSection(ctx);
    if (section.inhibited) {
      throw new IndiciumError('CHECKPOINT_MISMATCH', {
        field: 'checkpoint',
        detail: 'inhibited: an officer must recover',
      });
    }
    const presented = body.checkpoint;
    const latest = section.records.at(-1) ?? null;
    if (presented === latest)
      return { result: { recovered: false, discarded: [] }, auditData: { outcome: 'in-step' } };
    const at = presented === null ? -1 : section.records.slice(0, -1).indexOf(presented);
    if (at < 0) {
      ctx.nvm.set('checkpoints', { ...section, inhibited: true });
      return {
        refusal: new IndiciumError('CHECKPOINT_MISMATCH', {
          field: 'checkpoint',
          detail: 'matches none of the older checkpoints: PSD commands inhibited until an officer recovers',
        }),
        auditData: { outcome: 'inhibited' },
      };
    }
    const key = checkpointKeyOf(ctx);
    const discarded = section.records.slice(at + 1).map((text) => readCheckpoint(text, key));
    ctx.nvm.set('checkpoints', { ...section, records: section.records.slice(0, at + 1) });
    const auditData: Record<string, string> = {
      outcome: 'rolled-back',
      discardedCount: String(discarded.length),
    };
    for (const [i, record] of discarded.entries()) auditData[`discarded.${i}`] = describe(record);
    return { result: { recovered: true, discarded }, auditData };
  },
});

/**
 * Recover Checkpoint (DESIGN §3.6 "until an officer recovers it"; the seed's disaster recovery):
 * the Security Officer makes the record the operators trust — a genuine record of this module, or
 * none — the module's only checkpoint and lifts the inhibition. Always a signed entry.
 */
export const recoverCheckpointCommand = defineCommand({
  name: 'recover-checkpoint',
  summary: 'Security Officer: trust this record (or none) as the latest; lifts the inhibition.',
  design: 'DESIGN §3.6',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: RecoverCheckpointBodySchema,
  handler: (ctx, body) => {
    const section = checkpointSection(ctx);
    const records: string[] = [];
    const auditData: Record<string, string> = { previousCount: String(section.records.length) };
    if (body.checkpoint !== null) {
      const record = readCheckpoint(body.checkpoint, checkpointKeyOf(ctx));
      if (record.moduleSerial !== ctx.moduleSerial) {
        throw new IndiciumError('CHECKPOINT_MISMATCH', {
          field: 'checkpoint',
          detail: "another module's record",
        });
      }
      records.push(body.checkpoint);
      auditData.trusted = describe(record);
    }
    ctx.nvm.set('checkpoints', { ...section, records, inhibited: false });
    return { result: { records: records.length }, auditData };
  },
});

/** Set PSD Settings: the module-challenge lifetime and the passphrase failure limit (Security Officer). */
export const setPsdSettingsCommand = defineCommand({
  name: 'set-psd-settings',
  summary: 'Security Officer: challenge lifetime and passphrase failure limit for PSD commands.',
  design: 'DESIGN §4.3',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: PsdSettingsSchema,
  handler: (ctx, body) => {
    ctx.nvm.set('checkpoints', { ...checkpointSection(ctx), settings: { ...body } });
    return {
      result: { ...body },
      auditData: {
        challengeLifetimeMs: String(body.challengeLifetimeMs),
        passphraseFailureLimit: String(body.passphraseFailureLimit),
      },
    };
  },
});

export const checkpointCommands: readonly CommandSpec[] = Object.freeze([
  autoRecoverCheckpointCommand,
  recoverCheckpointCommand,
  setPsdSettingsCommand,
]);
