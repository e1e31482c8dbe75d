import { IndiciumError } from '../errors/indicium-error.js';

/**
 * Canonical binary encoding for every MAC and signature input (DESIGN §4). The exact byte format is
 * specified in this package's README ("Canonical encoding"); this file is its reference
 * implementation. Never MAC or sign JSON text: two JSON texts can mean the same thing, and one JSON
 * text can be read two ways.
 *
 *   encoding := u16(len(label)) ‖ label ‖ u16(count) ‖ field{count}
 *   field    := tag:u8 ‖ u32(len(value)) ‖ value
 *
 * All integers big-endian. Tags: 0x00 absent, 0x01 bytes, 0x02 text (UTF-8), 0x03 uint (8 bytes),
 * 0x04 bool (1 byte), 0x05 list (u32 count ‖ field{count}).
 */

export const CanonicalTag = Object.freeze({
  absent: 0x00,
  bytes: 0x01,
  text: 0x02,
  uint: 0x03,
  bool: 0x04,
  list: 0x05,
} as const);

export type CanonicalValue =
  | { readonly type: 'absent' }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'uint'; readonly value: number | bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'list'; readonly items: readonly CanonicalValue[] };

const LABEL_PATTERN = /^[\x21-\x7e]{1,255}$/;
const MAX_UINT64 = (1n << 64n) - 1n;
/** Lists nest at most this deep (layouts use one level); bounds recursion on hostile input. */
const MAX_LIST_DEPTH = 8;
const utf8 = new TextEncoder();

function fail(detail: string, field?: string): never {
  throw new IndiciumError('INVALID_FIELD', { detail, ...(field === undefined ? {} : { field }) });
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >>> 8, n & 0xff);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function uint64(value: number | bigint, field: string | undefined): Uint8Array {
  // BigInt('7') and BigInt(true) would succeed: refuse anything that is not already a number.
  if (typeof value !== 'number' && typeof value !== 'bigint')
    fail('uint value must be a number or bigint', field);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) fail('uint must be a safe integer', field);
  const big = BigInt(value);
  if (big < 0n || big > MAX_UINT64) fail('uint out of range 0..2^64-1', field);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, big);
  return out;
}

function textBytes(value: string, field: string | undefined): Uint8Array {
  // A lone surrogate would be replaced by U+FFFD silently: two different strings, one encoding.
  if (!value.isWellFormed()) fail('text is not well-formed Unicode', field);
  return utf8.encode(value);
}

function encodeValue(value: CanonicalValue, parts: Uint8Array[], field: string | undefined, depth = 0): void {
  switch (value.type) {
    case 'absent':
      parts.push(Uint8Array.of(CanonicalTag.absent), u32(0));
      return;
    case 'bytes':
      if (!(value.value instanceof Uint8Array)) fail('bytes value must be a Uint8Array', field);
      parts.push(Uint8Array.of(CanonicalTag.bytes), u32(value.value.length), value.value);
      return;
    case 'text': {
      if (typeof value.value !== 'string') fail('text value must be a string', field);
      const bytes = textBytes(value.value, field);
      parts.push(Uint8Array.of(CanonicalTag.text), u32(bytes.length), bytes);
      return;
    }
    case 'uint':
      parts.push(Uint8Array.of(CanonicalTag.uint), u32(8), uint64(value.value, field));
      return;
    case 'bool':
      if (typeof value.value !== 'boolean') fail('bool value must be a boolean', field);
      parts.push(Uint8Array.of(CanonicalTag.bool), u32(1), Uint8Array.of(value.value ? 1 : 0));
      return;
    case 'list': {
      if (depth >= MAX_LIST_DEPTH) fail('lists nested too deeply', field);
      const inner: Uint8Array[] = [u32(value.items.length)];
      for (const item of value.items) encodeValue(item, inner, field, depth + 1);
      const body = concat(inner);
      parts.push(Uint8Array.of(CanonicalTag.list), u32(body.length), body);
      return;
    }
    default:
      fail('unknown canonical value type', field);
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Encodes a context label and an ordered list of values. Prefer a {@link CanonicalLayout}, which
 * fixes the field order once in this package.
 *
 * @example
 * encodeCanonical('indicium/example/v1', [{ type: 'uint', value: 730 }, { type: 'text', value: 'FCLT' }]);
 */
export function encodeCanonical(
  label: string,
  values: readonly CanonicalValue[],
  names?: readonly string[],
): Uint8Array {
  if (!LABEL_PATTERN.test(label)) fail('label must be 1..255 printable ASCII characters', 'label');
  if (values.length > 0xffff) fail('too many fields', 'label');
  const parts: Uint8Array[] = [u16(label.length), utf8.encode(label), u16(values.length)];
  for (const [i, value] of values.entries()) encodeValue(value, parts, names?.[i]);
  return concat(parts);
}

function decodeUtf8(bytes: Uint8Array): string {
  // A fatal TextDecoder throws a TypeError: turn it into the typed refusal every caller expects.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('text is not valid UTF-8');
  }
}

/** Reads an encoding back; used by tests, vectors and independent checkers. Strict: no trailing bytes. */
export function decodeCanonical(bytes: Uint8Array): { label: string; values: CanonicalValue[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) fail('canonical encoding truncated');
  };
  need(2);
  const labelLength = view.getUint16(pos);
  pos += 2;
  need(labelLength);
  const label = decodeUtf8(bytes.subarray(pos, pos + labelLength));
  pos += labelLength;
  if (!LABEL_PATTERN.test(label)) fail('label must be 1..255 printable ASCII characters', 'label');
  need(2);
  const count = view.getUint16(pos);
  pos += 2;
  const readValue = (depth: number): CanonicalValue => {
    need(5);
    const tag = view.getUint8(pos);
    const length = view.getUint32(pos + 1);
    pos += 5;
    need(length);
    const body = bytes.subarray(pos, pos + length);
    pos += length;
    switch (tag) {
      case CanonicalTag.absent:
        if (length !== 0) fail('absent field must be empty');
        return { type: 'absent' };
      case CanonicalTag.bytes:
        return { type: 'bytes', value: body.slice() };
      case CanonicalTag.text:
        return { type: 'text', value: decodeUtf8(body) };
      case CanonicalTag.uint: {
        if (length !== 8) fail('uint field must be 8 bytes');
        const big = new DataView(body.buffer, body.byteOffset, 8).getBigUint64(0);
        return { type: 'uint', value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big };
      }
      case CanonicalTag.bool:
        if (length !== 1 || (body[0] !== 0 && body[0] !== 1)) fail('bool field must be one byte 0 or 1');
        return { type: 'bool', value: body[0] === 1 };
      case CanonicalTag.list: {
        if (depth >= MAX_LIST_DEPTH) fail('lists nested too deeply');
        const end = pos;
        pos -= length;
        need(4);
        const n = view.getUint32(pos);
        pos += 4;
        const items: CanonicalValue[] = [];
        for (let i = 0; i < n; i++) items.push(readValue(depth + 1));
        if (pos !== end) fail('list length does not match its items');
        return { type: 'list', items };
      }
      default:
        return fail(`unknown tag 0x${tag.toString(16)}`);
    }
  };
  const values: CanonicalValue[] = [];
  for (let i = 0; i < count; i++) values.push(readValue(0));
  if (pos !== bytes.length) fail('trailing bytes after canonical encoding');
  return { label, values };
}
