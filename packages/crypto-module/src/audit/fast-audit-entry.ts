import {
  type AuditEntry,
  AuditEntryLayout,
  CanonicalTag,
  IndiciumError,
  isCanonicalBase64Text,
} from '@indicium/protocol';
import { fastEncode, prepare } from '../psd/package/fast-canonical.js';

/**
 * `encodeAuditEntry` (protocol `module/audit-entry.ts`) with the one-pass encoder: the same bytes,
 * so the chain hash and the signature input do not change (DESIGN §3.5) and `verifyAuditChain`,
 * which uses the reference, agrees. Every PSD command makes an entry, so the reference's per-field
 * arrays cost about one indicium signature per command. `fast-audit-entry.test.ts` compares both.
 *
 * The entries of one module share their start — label, field count and module serial — and their
 * software part and version: those encodings are kept (`Prefix`, by their text) and copied; the
 * rest is written in place. An entry with a field of an unexpected type goes to the generic
 * encoder, which refuses it exactly as before.
 */
export function fastAuditEntryBytes(entry: Omit<AuditEntry, 'signature'>): Buffer {
  // As the reference: keys sorted by UTF-16 code units, flattened key, value, key, value…
  const keys = Object.keys(entry.data).sort();
  const data: string[] = [];
  for (const key of keys) data.push(key, entry.data[key] ?? '');
  if (!isCanonicalBase64Text(entry.previousHash))
    throw new IndiciumError('MALFORMED_REQUEST', { detail: 'not canonical base64' });
  return direct(entry, data) ?? generic(entry, data);
}

function generic(entry: Omit<AuditEntry, 'signature'>, data: string[]): Buffer {
  return fastEncode(AuditEntryLayout, {
    ...entry,
    previousHash: Buffer.from(entry.previousHash, 'base64'),
    data,
  });
}

interface Prefix {
  readonly moduleSerial: string;
  readonly softwarePart: string;
  readonly softwareVersion: string;
  /** Label, field count, module serial. */
  readonly head: Buffer;
  /** Software part and version fields. */
  readonly software: Buffer;
}

let prefix: Prefix | null = null;

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.isWellFormed();
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function textField(text: string): Buffer {
  const out = Buffer.allocUnsafe(5 + Buffer.byteLength(text, 'utf8'));
  out[0] = CanonicalTag.text;
  out.writeUInt32BE(out.length - 5, 1);
  out.write(text, 5, 'utf8');
  return out;
}

function prefixOf(entry: Omit<AuditEntry, 'signature'>): Prefix {
  const p = prefix;
  if (
    p !== null &&
    p.moduleSerial === entry.moduleSerial &&
    p.softwarePart === entry.softwarePart &&
    p.softwareVersion === entry.softwareVersion
  ) {
    return p;
  }
  const layoutHead = prepare(AuditEntryLayout as unknown as Parameters<typeof prepare>[0]).head;
  const next: Prefix = {
    moduleSerial: entry.moduleSerial,
    softwarePart: entry.softwarePart,
    softwareVersion: entry.softwareVersion,
    head: Buffer.concat([layoutHead, textField(entry.moduleSerial)]),
    software: Buffer.concat([textField(entry.softwarePart), textField(entry.softwareVersion)]),
  };
  prefix = next;
  return next;
}

function writeText(out: Buffer, at: number, text: string): number {
  out[at] = CanonicalTag.text;
  const n = out.write(text, at + 5, 'utf8');
  out.writeUInt32BE(n, at + 1);
  return at + 5 + n;
}

function writeUint(out: Buffer, at: number, value: number): number {
  out[at] = CanonicalTag.uint;
  out.writeUInt32BE(8, at + 1);
  out.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at + 5);
  out.writeUInt32BE(value >>> 0, at + 9);
  return at + 13;
}

function writeOptionalText(out: Buffer, at: number, text: string | null): number {
  if (text !== null) return writeText(out, at, text);
  out[at] = CanonicalTag.absent;
  out.writeUInt32BE(0, at + 1);
  return at + 5;
}

const textSize = (text: string) => 5 + Buffer.byteLength(text, 'utf8');

/** The entry written straight into one buffer; null when a field is not of the expected type. */
function direct(entry: Omit<AuditEntry, 'signature'>, data: readonly string[]): Buffer | null {
  const { userId, role } = entry;
  if (
    !isText(entry.moduleSerial) ||
    !isText(entry.softwarePart) ||
    !isText(entry.softwareVersion) ||
    !isText(entry.command) ||
    !isText(entry.currentState) ||
    !isText(entry.persistentState) ||
    !isText(entry.reasonCode) ||
    (userId !== null && !isText(userId)) ||
    (role !== null && !isText(role)) ||
    !isUint(entry.sequence) ||
    !isUint(entry.bootCount) ||
    !isUint(entry.time) ||
    typeof entry.signatureRequired !== 'boolean' ||
    !data.every(isText)
  ) {
    return null;
  }
  const hash = entry.previousHash;
  const hashBytes = (hash.length / 4) * 3 - (hash.endsWith('==') ? 2 : hash.endsWith('=') ? 1 : 0);
  const p = prefixOf(entry);
  let dataSize = 9;
  for (const item of data) dataSize += textSize(item);
  const size =
    p.head.length +
    13 +
    5 +
    hashBytes +
    p.software.length +
    13 +
    textSize(entry.command) +
    (userId === null ? 5 : textSize(userId)) +
    (role === null ? 5 : textSize(role)) +
    textSize(entry.currentState) +
    textSize(entry.persistentState) +
    13 +
    textSize(entry.reasonCode) +
    dataSize +
    6;
  const out = Buffer.allocUnsafe(size);
  let at = p.head.copy(out, 0);
  at = writeUint(out, at, entry.sequence);
  out[at] = CanonicalTag.bytes;
  out.writeUInt32BE(hashBytes, at + 1);
  if (out.write(entry.previousHash, at + 5, hashBytes, 'base64') !== hashBytes) return null;
  at += 5 + hashBytes;
  at += p.software.copy(out, at);
  at = writeUint(out, at, entry.bootCount);
  at = writeText(out, at, entry.command);
  at = writeOptionalText(out, at, userId);
  at = writeOptionalText(out, at, role);
  at = writeText(out, at, entry.currentState);
  at = writeText(out, at, entry.persistentState);
  at = writeUint(out, at, entry.time);
  at = writeText(out, at, entry.reasonCode);
  out[at] = CanonicalTag.list;
  out.writeUInt32BE(dataSize - 5, at + 1);
  out.writeUInt32BE(data.length, at + 5);
  at += 9;
  for (const item of data) at = writeText(out, at, item);
  out[at] = CanonicalTag.bool;
  out.writeUInt32BE(1, at + 1);
  out[at + 5] = entry.signatureRequired ? 1 : 0;
  return out;
}
