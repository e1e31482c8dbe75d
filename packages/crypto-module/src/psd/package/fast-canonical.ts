import {
  type CanonicalFieldType,
  type CanonicalInput,
  type CanonicalLayout,
  CanonicalTag,
  IndiciumError,
} from '@indicium/protocol';

/**
 * The protocol's canonical encoding (DESIGN §4; format in the protocol README), written in one pass
 * into one buffer. The reference encoder builds a small array per field, which costs more than the
 * indicium signature on the hot path of Create Indicium (DESIGN §2 budget). Same bytes, same
 * refusals: `fast-canonical.test.ts` checks both against the reference on random layouts and values.
 */

type Layout = CanonicalLayout<Record<string, CanonicalFieldType>>;

type Base = 'bytes' | 'text' | 'uint' | 'bool';

/** A field's type, parsed once per layout rather than on every encode. */
export interface FieldPlan {
  readonly name: string;
  readonly base: Base;
  readonly optional: boolean;
  readonly list: boolean;
}

export interface Prepared {
  readonly fields: readonly FieldPlan[];
  readonly head: Buffer;
}

const prepared = new WeakMap<object, Prepared>();

export function prepare(layout: Layout): Prepared {
  let p = prepared.get(layout);
  if (p === undefined) {
    const names = Object.keys(layout.fields);
    const label = Buffer.from(layout.label, 'ascii');
    const head = Buffer.alloc(2 + label.length + 2);
    head.writeUInt16BE(label.length, 0);
    label.copy(head, 2);
    head.writeUInt16BE(names.length, 2 + label.length);
    const fields = names.map((name): FieldPlan => {
      const type = layout.fields[name] as CanonicalFieldType;
      return {
        name,
        base: type.replace('?', '').replace('[]', '') as Base,
        optional: type.endsWith('?'),
        list: type.endsWith('[]'),
      };
    });
    p = { fields, head };
    prepared.set(layout, p);
  }
  return p;
}

function fail(field: string, detail: string): never {
  throw new IndiciumError('INVALID_FIELD', { field, detail });
}

/** The encoded length of one scalar (tag, length, value), checking it as the reference does. */
function scalarSize(base: Base, value: unknown, field: string): number {
  switch (base) {
    case 'bytes':
      if (!(value instanceof Uint8Array)) fail(field, 'bytes value must be a Uint8Array');
      return 5 + value.length;
    case 'text':
      if (typeof value !== 'string') fail(field, 'text value must be a string');
      if (!value.isWellFormed()) fail(field, 'text is not well-formed Unicode');
      return 5 + Buffer.byteLength(value, 'utf8');
    case 'uint':
      if (typeof value === 'number') {
        if (!Number.isSafeInteger(value) || value < 0) fail(field, 'uint must be a safe integer ≥ 0');
      } else if (typeof value === 'bigint') {
        if (value < 0n || value > 0xffff_ffff_ffff_ffffn) fail(field, 'uint out of range 0..2^64-1');
      } else fail(field, 'uint value must be a number or bigint');
      return 13;
    case 'bool':
      if (typeof value !== 'boolean') fail(field, 'bool value must be a boolean');
      return 6;
  }
}

function writeScalar(out: Buffer, at: number, base: Base, value: unknown): number {
  switch (base) {
    case 'bytes': {
      const bytes = value as Uint8Array;
      out[at] = CanonicalTag.bytes;
      out.writeUInt32BE(bytes.length, at + 1);
      out.set(bytes, at + 5);
      return at + 5 + bytes.length;
    }
    case 'text': {
      out[at] = CanonicalTag.text;
      const n = out.write(value as string, at + 5, 'utf8');
      out.writeUInt32BE(n, at + 1);
      return at + 5 + n;
    }
    case 'uint':
      out[at] = CanonicalTag.uint;
      out.writeUInt32BE(8, at + 1);
      if (typeof value === 'number') {
        // A safe integer (checked by scalarSize) as two 32-bit halves: no BigInt per field.
        out.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at + 5);
        out.writeUInt32BE(value >>> 0, at + 9);
      } else out.writeBigUInt64BE(value as bigint, at + 5);
      return at + 13;
    case 'bool':
      out[at] = CanonicalTag.bool;
      out.writeUInt32BE(1, at + 1);
      out[at + 5] = value === true ? 1 : 0;
      return at + 6;
  }
}

function fieldSize(plan: FieldPlan, value: unknown): number {
  if (value === null || value === undefined) {
    if (plan.optional) return 5;
    fail(plan.name, 'required field is missing');
  }
  if (plan.list) {
    if (!Array.isArray(value)) fail(plan.name, 'expected a list');
    let size = 5 + 4;
    for (const item of value) size += scalarSize(plan.base, item, plan.name);
    return size;
  }
  return scalarSize(plan.base, value, plan.name);
}

function writeField(out: Buffer, at: number, plan: FieldPlan, value: unknown, size: number): number {
  if (value === null || value === undefined) {
    out[at] = CanonicalTag.absent;
    out.writeUInt32BE(0, at + 1);
    return at + 5;
  }
  if (plan.list) {
    const items = value as unknown[];
    out[at] = CanonicalTag.list;
    out.writeUInt32BE(size - 5, at + 1);
    out.writeUInt32BE(items.length, at + 5);
    let pos = at + 9;
    for (const item of items) pos = writeScalar(out, pos, plan.base, item);
    return pos;
  }
  return writeScalar(out, at, plan.base, value);
}

/** `layout.encode(input)`, byte for byte, in one allocation. */
export function fastEncode<S extends Record<string, CanonicalFieldType>>(
  layout: CanonicalLayout<S>,
  input: CanonicalInput<S>,
): Buffer {
  return fastEncodeFramed(layout, input, 0, 0);
}

/**
 * `layout.encode(input)` at offset `before` of a buffer with `after` more bytes at the end, for a
 * caller that frames the encoding (the PSD package: magic and header before, MAC after) without
 * copying it again. The frame bytes are not initialised: the caller writes every one.
 */
export function fastEncodeFramed<S extends Record<string, CanonicalFieldType>>(
  layout: CanonicalLayout<S>,
  input: CanonicalInput<S>,
  before: number,
  after: number,
): Buffer {
  const p = prepare(layout as unknown as Layout);
  const record = input as Record<string, unknown>;
  const sizes = new Array<number>(p.fields.length);
  let total = p.head.length;
  for (let i = 0; i < p.fields.length; i++) {
    const plan = p.fields[i] as FieldPlan;
    const size = fieldSize(plan, record[plan.name]);
    sizes[i] = size;
    total += size;
  }
  const out = Buffer.allocUnsafe(before + total + after);
  p.head.copy(out, before);
  let pos = before + p.head.length;
  for (let i = 0; i < p.fields.length; i++) {
    const plan = p.fields[i] as FieldPlan;
    pos = writeField(out, pos, plan, record[plan.name], sizes[i] as number);
  }
  return out;
}

/** How `fastLayoutBytes` reads each field of a layout: base64 text to decode, a list of them, or as is. */
type Decode = 'bytes' | 'bytes[]' | 'none';
const decodePlans = new WeakMap<object, readonly (readonly [string, Decode])[]>();

function decodePlan(layout: Layout): readonly (readonly [string, Decode])[] {
  let plan = decodePlans.get(layout);
  if (plan === undefined) {
    plan = Object.entries(layout.fields).map(([name, type]): readonly [string, Decode] => [
      name,
      type === 'bytes[]' ? 'bytes[]' : type.startsWith('bytes') ? 'bytes' : 'none',
    ]);
    decodePlans.set(layout, plan);
  }
  return plan;
}

/**
 * `layoutBytesOf(layout, message)` (protocol `schemas/layout-bytes.ts`) with the fast encoder:
 * `transaction` flattened, base64 bytes decoded. Only for messages a schema has already accepted
 * (canonical base64), which dispatch guarantees.
 */
export function fastLayoutBytes<S extends Record<string, CanonicalFieldType>>(
  layout: CanonicalLayout<S>,
  message: object,
): Buffer {
  const top = message as Record<string, unknown>;
  const nested = top.transaction;
  const inner = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : null;
  if (inner !== null) {
    // As the reference: a name in both places would make it ambiguous which one the MAC covers.
    for (const name of Object.keys(inner)) if (Object.hasOwn(top, name)) fail(name, 'duplicate');
  }
  const input: Record<string, unknown> = {};
  for (const [name, decode] of decodePlan(layout as unknown as Layout)) {
    // The transaction's own fields take part as if they were the message's (no name is in both).
    const value = inner !== null && Object.hasOwn(inner, name) ? inner[name] : top[name];
    if (decode === 'bytes' && typeof value === 'string') input[name] = Buffer.from(value, 'base64');
    else if (decode === 'bytes[]' && Array.isArray(value))
      input[name] = value.map((v) => Buffer.from(v, 'base64'));
    else input[name] = value;
  }
  return fastEncode(layout, input as CanonicalInput<S>);
}
