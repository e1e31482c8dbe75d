import {
  type CanonicalFieldType,
  type CanonicalLayout,
  CanonicalTag,
  type ErrorCode,
  IndiciumError,
} from '@indicium/protocol';
import { type FieldPlan, prepare } from './fast-canonical.js';

type Decoded<T extends CanonicalFieldType> = T extends 'bytes'
  ? Uint8Array
  : T extends 'bytes?'
    ? Uint8Array | null
    : T extends 'text'
      ? string
      : T extends 'text?'
        ? string | null
        : T extends 'uint'
          ? number
          : T extends 'uint?'
            ? number | null
            : T extends 'bool'
              ? boolean
              : T extends 'bool?'
                ? boolean | null
                : T extends 'bytes[]'
                  ? Uint8Array[]
                  : T extends 'text[]'
                    ? string[]
                    : T extends 'uint[]'
                      ? number[]
                      : never;

/** The typed record a layout decodes to (uints as safe integers only). */
export type LayoutRecord<S extends Record<string, CanonicalFieldType>> = {
  -readonly [K in keyof S]: Decoded<S[K]>;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const TAGS: Readonly<Record<FieldPlan['base'], number>> = {
  bytes: CanonicalTag.bytes,
  text: CanonicalTag.text,
  uint: CanonicalTag.uint,
  bool: CanonicalTag.bool,
};

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Error('truncated');
  }
  scalar(base: FieldPlan['base']): unknown {
    this.need(5);
    const tag = this.view.getUint8(this.pos);
    const length = this.view.getUint32(this.pos + 1);
    this.pos += 5;
    this.need(length);
    const at = this.pos;
    this.pos += length;
    if (tag !== TAGS[base]) throw new Error('type');
    switch (base) {
      case 'bytes':
        // A copy, even of a Buffer (whose slice() is a view): callers zeroize their input.
        return Uint8Array.prototype.slice.call(this.bytes, at, at + length);
      case 'text':
        return utf8.decode(this.bytes.subarray(at, at + length));
      case 'uint': {
        if (length !== 8) throw new Error('uint');
        const value = this.view.getBigUint64(at);
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('uint');
        return Number(value);
      }
      case 'bool': {
        const b = this.bytes[at];
        if (length !== 1 || (b !== 0 && b !== 1)) throw new Error('bool');
        return b === 1;
      }
    }
  }
  field(plan: FieldPlan): unknown {
    this.need(5);
    const tag = this.view.getUint8(this.pos);
    if (tag === CanonicalTag.absent) {
      if (!plan.optional || this.view.getUint32(this.pos + 1) !== 0) throw new Error('absent');
      this.pos += 5;
      return null;
    }
    if (!plan.list) return this.scalar(plan.base);
    if (tag !== CanonicalTag.list) throw new Error('list');
    const length = this.view.getUint32(this.pos + 1);
    this.pos += 5;
    this.need(length);
    const end = this.pos + length;
    this.need(4);
    const n = this.view.getUint32(this.pos);
    this.pos += 4;
    const items: unknown[] = [];
    for (let i = 0; i < n; i++) items.push(this.scalar(plan.base));
    if (this.pos !== end) throw new Error('list length');
    return items;
  }
}

/**
 * Decodes bytes made by `layout.encode` back into a typed record: the label, the field count and
 * every field's type must be exactly the layout's, uints safe integers, text valid UTF-8, and no
 * byte may trail — or `code` is thrown with `fieldName`. The same strict reading as the protocol's
 * `decodeCanonical` (checked against it in `fast-canonical.test.ts`), in one pass.
 *
 * @example
 * const header = readLayout(PackageHeaderLayout, bytes, 'PACKAGE_INTEGRITY', 'package');
 */
export function readLayout<S extends Record<string, CanonicalFieldType>>(
  layout: CanonicalLayout<S>,
  bytes: Uint8Array,
  code: ErrorCode,
  fieldName: string,
): LayoutRecord<S> {
  const plan = prepare(layout as unknown as CanonicalLayout<Record<string, CanonicalFieldType>>);
  const reader = new Reader(bytes);
  const out: Record<string, unknown> = {};
  try {
    reader.need(plan.head.length);
    if (!plan.head.equals(bytes.subarray(0, plan.head.length))) throw new Error('label or count');
    reader.pos = plan.head.length;
    for (const field of plan.fields) out[field.name] = reader.field(field);
    if (reader.pos !== bytes.length) throw new Error('trailing bytes');
  } catch (cause) {
    throw new IndiciumError(code, { field: fieldName, detail: `not ${layout.label}`, cause });
  }
  return out as LayoutRecord<S>;
}
