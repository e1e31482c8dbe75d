import { createHmac, createSecretKey, hkdfSync, type KeyObject, timingSafeEqual } from 'node:crypto';
import { canonicalLayout, IndiciumError } from '@indicium/protocol';
import { fastEncodeFramed } from '../psd/package/fast-canonical.js';
import { readLayout } from '../psd/package/read-layout.js';

/**
 * One checkpoint record (DESIGN §3.6; seed: meter id, transaction type and amount, AR and DR, module
 * serial, date/time, module totals reset / printed / refunded), plus a sequence number and the
 * package version it produced. Stored as `CheckpointLayout` bytes ‖ HMAC-SHA-256 under the
 * checkpoint key, base64.
 */
export const CheckpointLayout = canonicalLayout('indicium/module/checkpoint/v1', {
  moduleSerial: 'text',
  sequence: 'uint',
  meterId: 'text',
  transaction: 'text',
  amountMills: 'uint',
  ascendingRegisterMills: 'uint',
  descendingRegisterMills: 'uint',
  packageVersion: 'uint',
  time: 'uint',
  totalResetMills: 'uint',
  totalPrintedMills: 'uint',
  totalRefundedMills: 'uint',
});

export interface CheckpointRecord {
  readonly moduleSerial: string;
  readonly sequence: number;
  readonly meterId: string;
  readonly transaction: string;
  readonly amountMills: number;
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
  readonly packageVersion: number;
  readonly time: number;
  readonly totalResetMills: number;
  readonly totalPrintedMills: number;
  readonly totalRefundedMills: number;
}

const MAC_LENGTH = 32;
const CheckpointKeyInfo = canonicalLayout('indicium/module/checkpoint-mac-key/v1', { purpose: 'text' });

const keys = new WeakMap<KeyObject, KeyObject>();

/**
 * The checkpoint key (seed: MK_chkpt, derived from the registration signing key): HKDF-SHA-256 of
 * that key's PKCS#8, so every module of the pool can check every other's records. Cached per
 * KeyObject of the core KeyCache, which Reset clears.
 */
export function checkpointKey(registrationKey: KeyObject): KeyObject {
  const hit = keys.get(registrationKey);
  if (hit !== undefined) return hit;
  const pkcs8 = registrationKey.export({ type: 'pkcs8', format: 'der' });
  const info = CheckpointKeyInfo.encode({ purpose: 'checkpoint' });
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', pkcs8, new Uint8Array(0), info, 32)));
  pkcs8.fill(0);
  keys.set(registrationKey, key);
  return key;
}

export function encodeCheckpoint(record: CheckpointRecord, key: KeyObject): string {
  // One buffer: the record, then its MAC written into the room left after it.
  const out = fastEncodeFramed(CheckpointLayout, record, 0, MAC_LENGTH);
  const signed = out.length - MAC_LENGTH;
  createHmac('sha256', key).update(out.subarray(0, signed)).digest().copy(out, signed);
  return out.toString('base64');
}

/** Reads a record and checks its MAC; anything else is CHECKPOINT_MISMATCH. */
export function decodeCheckpoint(text: string, key: KeyObject): CheckpointRecord {
  const all = Buffer.from(text, 'base64');
  const bad = (detail: string) => new IndiciumError('CHECKPOINT_MISMATCH', { field: 'checkpoint', detail });
  if (all.length <= MAC_LENGTH) throw bad('too short');
  const bytes = all.subarray(0, all.length - MAC_LENGTH);
  const mac = createHmac('sha256', key).update(bytes).digest();
  if (!timingSafeEqual(mac, all.subarray(all.length - MAC_LENGTH))) throw bad('MAC does not verify');
  return readLayout(CheckpointLayout, bytes, 'CHECKPOINT_MISMATCH', 'checkpoint');
}
