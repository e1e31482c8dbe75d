import type { KeyObject } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import { LruMap } from '../psd/package/lru-map.js';
import {
  type CheckpointRecord,
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint-record.js';
import { CHECKPOINTS_KEPT, type CheckpointSection, checkpointSection } from './checkpoint-section.js';

/** Which module total a transaction moves (seed: module total amount reset, printed, refunded). */
export type TotalKind = 'reset' | 'printed' | 'refunded' | 'none';

export interface CheckpointTransaction {
  readonly meterId: string;
  /** The command name. */
  readonly transaction: string;
  readonly amountMills: number;
  readonly total: TotalKind;
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
  readonly packageVersion: number;
}

/** The checkpoint key of this module's pool; PSD work needs the crypto-card (DESIGN §3.3). */
export function checkpointKeyOf(ctx: HandlerContext): KeyObject {
  const card = ctx.nvm.get('cryptoCard');
  if (card.registrationSigningKey === null) {
    throw new IndiciumError('WRONG_STATE', { detail: 'PSD commands need Initialize Crypto-Card first' });
  }
  return checkpointKey(ctx.keys.privateKey(card.registrationSigningKey.privateKeyPkcs8));
}

/** Records already verified, per checkpoint key (so a record is never trusted under another pool's key). */
const verified = new WeakMap<KeyObject, LruMap<string, CheckpointRecord>>();

function verifiedUnder(key: KeyObject): LruMap<string, CheckpointRecord> {
  let map = verified.get(key);
  if (map === undefined) {
    map = new LruMap(64);
    verified.set(key, map);
  }
  return map;
}

/** A record this module wrote (verified once, then remembered by its text). */
export function readCheckpoint(text: string, key: KeyObject): CheckpointRecord {
  const cache = verifiedUnder(key);
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const record = decodeCheckpoint(text, key);
  cache.set(text, record);
  return record;
}

/**
 * DESIGN §3.6, before every PSD command: the database's record for this module must equal the
 * module's latest (null while it has none), and an inhibited module refuses every PSD command
 * until an officer recovers it. Refusing changes nothing.
 */
export function guardCheckpoint(section: CheckpointSection, presented: string | null): void {
  if (section.inhibited) {
    throw new IndiciumError('CHECKPOINT_MISMATCH', {
      field: 'checkpoint',
      detail: 'the module is inhibited until an officer recovers its checkpoints',
    });
  }
  const latest = section.records.at(-1) ?? null;
  if (presented !== latest) {
    throw new IndiciumError('CHECKPOINT_MISMATCH', {
      field: 'checkpoint',
      detail: 'not the latest checkpoint of this module: run Auto-Recover Checkpoint',
    });
  }
}

/** Writes the next checkpoint record to the NVM draft and returns it for the module table. */
export function appendCheckpoint(ctx: HandlerContext, tx: CheckpointTransaction): string {
  const key = checkpointKeyOf(ctx);
  const section = checkpointSection(ctx);
  const latestText = section.records.at(-1);
  const latest = latestText === undefined ? null : readCheckpoint(latestText, key);
  const add = (kind: TotalKind, total: number) => total + (tx.total === kind ? tx.amountMills : 0);
  const record: CheckpointRecord = {
    moduleSerial: ctx.moduleSerial,
    sequence: (latest?.sequence ?? 0) + 1,
    meterId: tx.meterId,
    transaction: tx.transaction,
    amountMills: tx.amountMills,
    ascendingRegisterMills: tx.ascendingRegisterMills,
    descendingRegisterMills: tx.descendingRegisterMills,
    packageVersion: tx.packageVersion,
    time: ctx.now,
    totalResetMills: add('reset', latest?.totalResetMills ?? 0),
    totalPrintedMills: add('printed', latest?.totalPrintedMills ?? 0),
    totalRefundedMills: add('refunded', latest?.totalRefundedMills ?? 0),
  };
  const text = encodeCheckpoint(record, key);
  verifiedUnder(key).set(text, record);
  ctx.nvm.set('checkpoints', {
    ...section,
    records: [...section.records, text].slice(-CHECKPOINTS_KEPT),
  });
  return text;
}
