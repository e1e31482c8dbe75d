import { type CanonicalFieldType, type CanonicalLayout, CanonicalTag } from '@indicium/protocol';
import { type FieldPlan, prepare } from './fast-canonical.js';
import { PackageBodyLayout, PackageHeaderLayout, PackageUserLayout } from './package-layouts.js';
import type { PsdPackage, PsdUser } from './psd-package.js';

/**
 * The steady-state package fast path (README "Benchmark"). A Create Indicium changes only
 * fixed-size fields of the package it opened — version, registers, piece count, last transaction
 * time, one user's total, Cm and last-told registers — so the new encoding is the previous one with
 * those bytes rewritten. `sealPackage` asks for that patch and falls back to the full encoder
 * whenever a field changed in any other way (a text, a list, a length, null ↔ value, a value the
 * encoder would refuse). The previous bytes are found by the package object the module itself
 * sealed them from (never by bytes from outside), and `package-patch.test.ts` checks the patched
 * bytes equal the full encoding for random packages and changes.
 */

type Layout = CanonicalLayout<Record<string, CanonicalFieldType>>;

/** Where each field's tag sits in a sealed package, found once per layout of bytes. */
interface Offsets {
  readonly header: readonly number[];
  readonly body: readonly number[];
  /** Per user, in package order: the offsets of that user's fields. */
  readonly users: readonly (readonly number[])[];
}

interface Sealed {
  /** The whole package: signed part and MAC. Never written: a patch copies it first. */
  readonly bytes: Buffer;
  offsets: Offsets | null;
}

const sealedFrom = new WeakMap<PsdPackage, Sealed>();

/**
 * Remembers the bytes the module sealed `pkg` into, for the next change of that package;
 * `patchedFrom` names the package whose bytes were patched into these (same layout, same offsets).
 */
export function rememberSealed(pkg: PsdPackage, bytes: Buffer, patchedFrom?: PsdPackage): void {
  const offsets = patchedFrom === undefined ? null : (sealedFrom.get(patchedFrom)?.offsets ?? null);
  sealedFrom.set(pkg, { bytes, offsets });
}

/** Offsets of the fields of the canonical encoding at `at` (u16 label length, label, u16 count, fields). */
function fieldOffsets(bytes: Buffer, at: number): number[] {
  let pos = at + 2 + bytes.readUInt16BE(at);
  const count = bytes.readUInt16BE(pos);
  pos += 2;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    out[i] = pos;
    pos += 5 + bytes.readUInt32BE(pos + 1);
  }
  return out;
}

function offsetsOf(bytes: Buffer): Offsets {
  const headerLength = bytes.readUInt16BE(4);
  const header = fieldOffsets(bytes, 6);
  const body = fieldOffsets(bytes, 6 + headerLength + 4);
  const usersIndex = prepare(PackageBodyLayout as unknown as Layout).fields.findIndex(
    (f) => f.name === 'users',
  );
  const usersAt = body[usersIndex] as number;
  const users: number[][] = [];
  const count = bytes.readUInt32BE(usersAt + 5);
  let pos = usersAt + 9;
  for (let i = 0; i < count; i++) {
    users.push(fieldOffsets(bytes, pos + 5));
    pos += 5 + bytes.readUInt32BE(pos + 1);
  }
  return { header, body, users };
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Rewrites in `out` the fields of one record that differ between `before` and `after`; false when
 * a difference is not a same-size value (the caller then encodes in full). `users` is left to the
 * caller (it is a list of nested records).
 */
function patchRecord(
  out: Buffer,
  fields: readonly FieldPlan[],
  offsets: readonly number[],
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  skip: string | null,
): boolean {
  for (let i = 0; i < fields.length; i++) {
    const plan = fields[i] as FieldPlan;
    if (plan.name === skip) continue;
    const a = before[plan.name];
    const b = after[plan.name];
    if (a === b) continue;
    if (plan.list || a === null || b === null || a === undefined || b === undefined) return false;
    const at = (offsets[i] as number) + 5;
    switch (plan.base) {
      case 'uint':
        if (!isUint(b) || out[at - 5] !== CanonicalTag.uint) return false;
        out.writeUInt32BE(Math.floor(b / 0x1_0000_0000), at);
        out.writeUInt32BE(b >>> 0, at + 4);
        break;
      case 'bytes':
        if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
        out.set(b, at);
        break;
      case 'bool':
        if (typeof b !== 'boolean') return false;
        out[at] = b ? 1 : 0;
        break;
      default:
        return false;
    }
  }
  return true;
}

const headerFields = () => prepare(PackageHeaderLayout as unknown as Layout).fields;
const bodyFields = () => prepare(PackageBodyLayout as unknown as Layout).fields;
const userFields = () => prepare(PackageUserLayout as unknown as Layout).fields;

/**
 * The bytes of `next` (its signed part, then room for the MAC, as `encodeSignedPart(next, 32)`
 * lays them out) by patching what the module sealed `base` into, or null when `base` was not
 * sealed here or `next` differs from it in any way a patch cannot write.
 */
export function patchSealed(base: PsdPackage, next: PsdPackage): Buffer | null {
  const sealed = sealedFrom.get(base);
  if (sealed === undefined) return null;
  const before = base.users;
  const after = next.users;
  if (before !== after && (!Array.isArray(after) || before.length !== after.length)) return null;
  sealed.offsets ??= offsetsOf(sealed.bytes);
  const { offsets } = sealed;
  if (offsets.users.length !== before.length) return null;
  const out = Buffer.allocUnsafe(sealed.bytes.length);
  sealed.bytes.copy(out);
  const b = base as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  if (!patchRecord(out, headerFields(), offsets.header, b, n, null)) return null;
  if (!patchRecord(out, bodyFields(), offsets.body, b, n, 'users')) return null;
  if (before !== after) {
    for (let i = 0; i < after.length; i++) {
      const u = before[i] as PsdUser;
      const v = after[i] as PsdUser;
      if (u === v) continue;
      const fields = userFields();
      const at = offsets.users[i] as readonly number[];
      const ub = u as unknown as Record<string, unknown>;
      const vb = v as unknown as Record<string, unknown>;
      if (!patchRecord(out, fields, at, ub, vb, null)) return null;
    }
  }
  return out;
}
