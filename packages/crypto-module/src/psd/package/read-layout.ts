import {
  type CanonicalFieldType,
  type CanonicalLayout,
  type CanonicalValue,
  decodeCanonical,
  type ErrorCode,
  IndiciumError,
} from '@indicium/protocol';

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

function scalar(type: string, value: CanonicalValue): unknown {
  if (value.type !== type) return undefined;
  if (value.type === 'uint') return typeof value.value === 'number' ? value.value : undefined;
  return (value as { value: unknown }).value;
}

function field(type: CanonicalFieldType, value: CanonicalValue): unknown {
  if (type.endsWith('?')) {
    if (value.type === 'absent') return null;
    return scalar(type.slice(0, -1), value);
  }
  if (type.endsWith('[]')) {
    if (value.type !== 'list') return undefined;
    const items = value.items.map((item) => scalar(type.slice(0, -2), item));
    return items.includes(undefined) ? undefined : items;
  }
  return scalar(type, value);
}

/**
 * Decodes bytes made by `layout.encode` back into a typed record: the label, the field count and
 * every field's type must be exactly the layout's, or `code` is thrown (with `fieldName`). The
 * strict decoder of the protocol package leaves no trailing bytes and no second reading.
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
  let decoded: ReturnType<typeof decodeCanonical>;
  try {
    // A plain Uint8Array view: the decoder copies bytes fields with slice(), which on a Buffer
    // would return views into memory the caller may zeroize.
    decoded = decodeCanonical(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    throw new IndiciumError(code, { field: fieldName, detail: 'not a canonical encoding', cause });
  }
  const names = Object.keys(layout.fields);
  if (decoded.label !== layout.label || decoded.values.length !== names.length) {
    throw new IndiciumError(code, { field: fieldName, detail: `not ${layout.label}` });
  }
  const out: Record<string, unknown> = {};
  for (const [i, name] of names.entries()) {
    const value = field(layout.fields[name] as CanonicalFieldType, decoded.values[i] as CanonicalValue);
    if (value === undefined) throw new IndiciumError(code, { field: fieldName, detail: `bad ${name}` });
    out[name] = value;
  }
  return out as LayoutRecord<S>;
}
